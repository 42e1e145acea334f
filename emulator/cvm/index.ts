// The CVM 2017-03-12 actions the emulator implements.
import type { ActionHandler } from '../action-context.ts'
import { createImage } from './create-image.ts'
import { describeImages } from './describe-images.ts'
import { describeInstances } from './describe-instances.ts'
import { describeImageFromFamily } from './image-family.ts'
import {
  createLaunchTemplateVersion,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
  modifyLaunchTemplateDefaultVersion
} from './launch-templates.ts'
import { deleteImages, syncImages } from './manage-images.ts'
import { modifyImageAttribute } from './modify-image.ts'
import {
  describeImageQuota,
  describeImageSharePermission,
  modifyImageSharePermission
} from './share-images.ts'

export const CVM_VERSION = '2017-03-12'

export const CVM_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateImage: createImage,
  DescribeImages: describeImages,
  DeleteImages: deleteImages,
  SyncImages: syncImages,
  ModifyImageSharePermission: modifyImageSharePermission,
  DescribeImageSharePermission: describeImageSharePermission,
  DescribeImageQuota: describeImageQuota,
  DescribeInstances: describeInstances,
  ModifyImageAttribute: modifyImageAttribute,
  DescribeImageFromFamily: describeImageFromFamily,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  ModifyLaunchTemplateDefaultVersion: modifyLaunchTemplateDefaultVersion
}
