// Ages in the units people use for them: '3d 4h', '12h', '45m'.
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
