// Tencent Cloud's tag rules, for the tags input of both actions and for provenance tags.
import { InputError, checkLength } from '../runner/inputs.ts'

export interface Tag {
  Key: string
  Value: string
}

export const MAX_TAGS = 50
const TAG_KEY_MAX = 127
export const TAG_VALUE_MAX = 255
const RESERVED_TAG_PREFIXES = ['qcloud', 'tencent', 'project']
export const TAG_CHARS = /^[\p{L}\p{N} +\-=._:/@]*$/u

/** `key=value` pairs, comma- or newline-separated, within Tencent Cloud's tag rules. */
export function parseTags(input: string, value: string): Tag[] {
  const tags: Tag[] = []
  for (const entry of value.split(/[,\n]/)) {
    const item = entry.trim()
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq <= 0) throw new InputError(input, `'${item}' is not key=value.`)
    const Key = item.slice(0, eq).trim()
    const Value = item.slice(eq + 1).trim()
    checkTag(input, Key, Value)
    if (tags.some(t => t.Key === Key)) throw new InputError(input, `sets key '${Key}' twice.`)
    tags.push({ Key, Value })
  }
  if (tags.length > MAX_TAGS) {
    throw new InputError(input, `at most ${MAX_TAGS} tags per image, got ${tags.length}.`)
  }
  return tags
}

export function checkTag(input: string, key: string, value: string): void {
  if (key === '') throw new InputError(input, 'a tag key is empty.')
  // The Tag service refuses it (TagValueEmpty), and only once the image exists.
  if (value === '') throw new InputError(input, `tag '${key}' has no value; write ${key}=<value>.`)
  checkLength(input, key, TAG_KEY_MAX)
  checkLength(input, value, TAG_VALUE_MAX)
  const reserved = RESERVED_TAG_PREFIXES.find(p => key.toLowerCase().startsWith(p))
  if (reserved)
    throw new InputError(
      input,
      `tag key '${key}' starts with '${reserved}', which Tencent Cloud reserves.`
    )
  for (const text of [key, value]) {
    if (!TAG_CHARS.test(text)) {
      throw new InputError(
        input,
        `'${text}' may only hold letters, digits, spaces and + - = . _ : / @ (Tencent Cloud tag rules).`
      )
    }
  }
}
