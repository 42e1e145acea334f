// An error the emulator answers in the API's own shape:
// HTTP 200, {"Response":{"Error":{"Code","Message"},"RequestId"}}.

export class ApiError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
  }
}

export function missingParameter(name: string): ApiError {
  return new ApiError(
    'MissingParameter',
    `The request is missing a required parameter \`${name}\`.`
  )
}

export function invalidParameterValue(name: string, detail: string): ApiError {
  return new ApiError(
    'InvalidParameterValue',
    `The value of parameter \`${name}\` is invalid: ${detail}.`
  )
}

export function unknownParameter(name: string): ApiError {
  return new ApiError('UnknownParameter', `The parameter \`${name}\` is not recognized.`)
}

export function dryRunOperation(): ApiError {
  return new ApiError(
    'DryRunOperation',
    'The DryRun request would have succeeded, but the DryRun parameter was set.'
  )
}

export function requestLimitExceeded(seen: number, limit: number): ApiError {
  return new ApiError(
    'RequestLimitExceeded',
    `Your current request times equals to \`${seen}\` in a second, which exceeds the frequency limit \`${limit}\` for a second. Please reduce the frequency of calls.`
  )
}
