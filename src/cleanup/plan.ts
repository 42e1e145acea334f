// Which selected images go and which stay, and why. Pure: the images and the time come in.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { isBusy, isReady } from '../image/states.ts'
import { createdAt } from '../image/lookup.ts'
import { formatAge } from '../runner/format.ts'

export interface Decision {
  image: Image
  remove: boolean
  reason: string
}

export interface Rules {
  keepLatest: number
  olderThanMs?: number
  now: number
}

/** Newest first; every image gets a decision with a reason. */
export function planCleanup(images: Image[], rules: Rules): Decision[] {
  const sorted = [...images].sort((a, b) => (createdAt(b) ?? 0) - (createdAt(a) ?? 0))
  let usableSeen = 0
  return sorted.map(image => {
    const keep = (reason: string): Decision => ({ image, remove: false, reason })
    if (image.ImageType === 'PUBLIC_IMAGE') return keep('public image: never deleted')
    if (image.ImageType !== 'PRIVATE_IMAGE') {
      return keep('shared with this account by another account: never deleted')
    }
    if (isBusy(image.ImageState))
      return keep(`${image.ImageState}: cannot be deleted until that ends`)
    // Only usable images count towards keep-latest: a failed image is no fallback.
    if (isReady(image.ImageState) && usableSeen++ < rules.keepLatest) {
      return keep(`among the newest ${rules.keepLatest} (keep-latest)`)
    }
    const why: string[] = []
    if (rules.olderThanMs !== undefined) {
      const created = createdAt(image)
      if (created === undefined) return keep('no CreatedTime, so its age is unknown')
      const age = rules.now - created
      const limit = formatAge(rules.olderThanMs)
      if (age < rules.olderThanMs) return keep(`${formatAge(age)} old, younger than ${limit}`)
      why.push(`${formatAge(age)} old, older than ${limit}`)
    }
    if (rules.keepLatest > 0 && isReady(image.ImageState)) {
      why.push(`not among the newest ${rules.keepLatest}`)
    }
    if (!isReady(image.ImageState)) why.push(image.ImageState ?? 'state unknown')
    return { image, remove: true, reason: why.length > 0 ? why.join('; ') : 'selected' }
  })
}
