import type { Socket } from 'node:net';
import { decode, encode, encodeSmall } from './codec.js';

/** Length-prefixed msgpack frames over a stream socket. */
export const MAX_FRAME = 256 * 1024 * 1024;

export function writeFrame(socket: Socket, value: unknown): void {
  const body = encodeSmall(value) ?? encode(value); // any msgpack will do here: small frames skip loading msgpackr
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  socket.write(Buffer.concat([header, body]));
}

/** Calls onFrame for every complete frame; a frame over MAX_FRAME destroys the socket. */
export function readFrames(socket: Socket, onFrame: (value: unknown) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered < 4) return;
    let buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    let offset = 0;
    while (buf.length - offset >= 4) {
      const len = buf.readUInt32BE(offset);
      if (len > MAX_FRAME) {
        socket.destroy(new Error(`frame of ${len} bytes exceeds the limit`));
        return;
      }
      if (buf.length - offset - 4 < len) break;
      const frame = buf.subarray(offset + 4, offset + 4 + len);
      offset += 4 + len;
      onFrame(decode(frame));
    }
    buf = buf.subarray(offset);
    chunks = buf.length ? [buf] : [];
    buffered = buf.length;
  });
}
