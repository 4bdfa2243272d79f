const PALETTE = ['#1d4ed8', '#047857', '#b45309', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#9d174d'];

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]!.charAt(0);
  const last = parts.length > 1 ? parts.at(-1)!.charAt(0) : '';
  return (first + last).toUpperCase();
}

function colourOf(seed: string): string {
  let hash = 0;
  for (const character of seed) hash = (hash * 31 + character.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

/** Initials on a stable colour (all colours keep white text at AA contrast). */
export function Avatar({
  name,
  id,
  size = 24,
  label,
}: {
  name: string;
  id: string;
  size?: number;
  label?: string;
}) {
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, fontSize: size * 0.42, background: colourOf(id) }}
      title={label ?? name}
      role="img"
      aria-label={label ?? name}
    >
      {initials(name)}
    </span>
  );
}
