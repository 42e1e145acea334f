// Reading request parameters with the API's own strictness: unknown names and wrong JSON types are
// errors, as they are on the real gateway (a boolean where the API wants the string "true" fails).
import { ApiError, missingParameter, unknownParameter } from './api-error.ts'

export type Params = Record<string, unknown>

function typeName(value: unknown): string {
  if (value === null) return 'Null'
  if (Array.isArray(value)) return 'Array'
  const type = typeof value
  return type.charAt(0).toUpperCase() + type.slice(1)
}

export function wrongType(name: string, expected: string, value: unknown): ApiError {
  return new ApiError(
    'InvalidParameterValue',
    `The type of parameter \`${name}\` is invalid: expected ${expected}, got ${typeName(value)}.`
  )
}

export function rejectUnknownParameters(params: Params, allowed: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!allowed.includes(name)) throw unknownParameter(name)
  }
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw wrongType(name, 'String', value)
  return value
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name)
  if (value === undefined || value === '') throw missingParameter(name)
  return value
}

export function optionalStringArray(params: Params, name: string): string[] | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw wrongType(name, 'Array of String', value)
  value.forEach((item, index) => {
    if (typeof item !== 'string') throw wrongType(`${name}.${index}`, 'String', item)
  })
  return value as string[]
}

export function requiredStringArray(params: Params, name: string): string[] {
  const value = optionalStringArray(params, name)
  if (value === undefined || value.length === 0) throw missingParameter(name)
  return value
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw wrongType(name, 'Boolean', value)
  return value
}

/** The API's "Boolean as String" parameters (ForcePoweroff, Sysprep) take "true" or "false" only. */
export function optionalBooleanString(params: Params, name: string): boolean | undefined {
  const value = optionalString(params, name)
  if (value === undefined) return undefined
  if (value !== 'true' && value !== 'false') {
    throw new ApiError(
      'InvalidParameterValue',
      `The value of parameter \`${name}\` must be the string "true" or "false", not "${value}".`
    )
  }
  return value === 'true'
}

export function optionalInteger(
  params: Params,
  name: string,
  range: { min: number; max: number; code?: string }
): number | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(name, 'Integer', value)
  if (value < range.min || value > range.max) {
    throw new ApiError(
      range.code ?? 'InvalidParameterValue',
      `The value of parameter \`${name}\` must be between ${range.min} and ${range.max}, not ${value}.`
    )
  }
  return value
}

/** Each element of an array parameter must be an object; returns them typed loosely. */
export function optionalObjectArray(params: Params, name: string): Params[] | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw wrongType(name, 'Array of Object', value)
  value.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw wrongType(`${name}.${index}`, 'Object', item)
    }
  })
  return value as Params[]
}
