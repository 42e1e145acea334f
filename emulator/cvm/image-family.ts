// Image families: DescribeImageFromFamily answers the image a family resolves to, its newest
// usable image (ModifyImageAttribute, in modify-image.ts, puts an image in a family).
import type { ActionContext, ActionResult } from '../action-context.ts'
import { missingParameter } from '../api-error.ts'
import { optionalString, rejectUnknownParameters } from '../params.ts'
import { toApiImage } from '../state.ts'

export function describeImageFromFamily(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['ImageFamily'])
  const family = optionalString(params, 'ImageFamily')
  if (!family) throw missingParameter('ImageFamily')
  const candidates = state
    .ownedImages(context.accountId, context.region)
    .filter(i => i.ImageFamily === family && !i.ImageDeprecated && i.ImageState === 'NORMAL')
    .sort((a, b) => b.CreatedTime.localeCompare(a.CreatedTime))
  const image = candidates[0]
  return image ? { Image: toApiImage(image, context.accountId) } : {}
}
