/** Human sizes in powers of 1024 with the familiar short units (KB, MB, GB), as file managers show them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** A transfer rate, e.g. `12 MB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`
}

/** Seconds as m:ss or h:mm:ss; `--:--` when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) {
    return '--:--'
  }
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** Whole percent done, 100 only when complete. */
export function percent(bytes: number, size: number): number {
  if (size <= 0) {
    return 100
  }
  return bytes >= size ? 100 : Math.min(99, Math.floor((bytes / size) * 100))
}
