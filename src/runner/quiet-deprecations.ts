// The SDK's HTTP stack (node-fetch 2, whatwg-url) still loads Node's deprecated punycode module and
// calls url.parse(). Node prints a warning for each to stderr, which users read as our problem.
// Only these two are dropped; every other warning still shows.
const SILENCED = new Set(['DEP0040', 'DEP0169'])

const emitWarning = process.emitWarning.bind(process)

process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
  const options = rest[0]
  const code =
    typeof options === 'object' && options !== null
      ? (options as { code?: string }).code
      : typeof rest[1] === 'string'
        ? rest[1]
        : undefined
  if (code && SILENCED.has(code)) return
  ;(emitWarning as (...args: unknown[]) => void)(warning, ...rest)
}) as typeof process.emitWarning
