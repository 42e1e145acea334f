// How times and text are written for people: durations, ages, and cells of the job summary.

/** '4.2s', '3m', '12m 5s'. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 100) / 10)
  if (seconds < 60) return `${seconds}s`
  const whole = Math.round(seconds)
  const m = Math.floor(whole / 60)
  const s = whole % 60
  return s === 0 ? `${m}m` : `${m}m ${s}s`
}

/** Ages in the units people use for them: '3d 4h', '12h', '45m'. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const rest = minutes % 60
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`
  if (minutes > 0) return `${minutes}m`
  return `${Math.floor(Math.max(0, ms) / 1000)}s`
}

/** Text for a cell of the job summary, which GitHub renders as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
}
