import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time: one call into the CSPRNG per 256 ids instead of two per id. */
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function randomId(): Buffer {
  if (randomOffset + 16 > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  randomPool.copy(bytes, 0, randomOffset, randomOffset + 16);
  randomOffset += 16;
  return bytes;
}

let lastMillis = 0;
let sequence = 0;

/** UUIDv7 (RFC 9562): time-ordered, so new rows land at the right edge of their indexes. */
export function newId(): string {
  const bytes = randomId();
  let millis = Date.now();
  if (millis <= lastMillis) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMillis += 1;
    millis = lastMillis;
  } else {
    // A new millisecond's counter starts at random (bytes 6–7 are overwritten below), in the lower half.
    lastMillis = millis;
    sequence = bytes.readUInt16BE(6) & 0x7ff;
  }
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
