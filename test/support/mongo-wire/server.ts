// TCP side of the MongoDB wire-protocol TEST DOUBLE: accepts connections on loopback, frames messages,
// runs commands one at a time per connection (as the driver expects), and applies reply faults.
import net from 'node:net';
import { dispatch, isHandshake } from './commands/index';
import { type ConnectionState, ServerState } from './context';
import { DropConnection } from './errors';
import { encodeMsgReply, encodeOpReply, FrameReader, OP_MSG, parseRequest } from './wire';

export class WireServer {
  private readonly listener = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;
  private nextRequestId = 1;

  constructor(readonly state: ServerState) {}

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, host, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    return (this.listener.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const { connections, config } = this.state;
    connections.current += 1;
    connections.totalCreated += 1;
    // Without access control (no users, or roles not enforced) every command works without signing in.
    const conn: ConnectionState = { id: this.nextConnectionId++, authenticated: config.auth === undefined || config.enforceRoles === false };
    const reader = new FrameReader();
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        socket.destroy(); // a malformed stream cannot be resynchronised
        return;
      }
      // One command at a time per connection; an unexpected failure closes just this connection.
      for (const frame of frames) queue = queue.then(() => this.handle(socket, conn, frame)).catch(() => {
        socket.destroy();
      });
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      connections.current -= 1;
    });
    socket.on('error', () => undefined); // resets by clients are normal; 'close' follows
  }

  private async handle(socket: net.Socket, conn: ConnectionState, frame: Buffer): Promise<void> {
    if (socket.destroyed) return;
    let request;
    try {
      request = parseRequest(frame);
    } catch {
      socket.destroy();
      return;
    }
    let result;
    try {
      result = await dispatch(this.state, conn, request);
    } catch (err) {
      if (err instanceof DropConnection) socket.destroy();
      else throw err;
      return;
    }
    const delay = this.state.faults.replyDelayMs;
    if (delay > 0 && !isHandshake(result.name.toLowerCase())) await new Promise((r) => setTimeout(r, delay));
    if (request.moreToCome || socket.destroyed) return;
    const id = this.nextRequestId++;
    socket.write(request.opCode === OP_MSG ? encodeMsgReply(id, request.requestId, result.reply) : encodeOpReply(id, request.requestId, result.reply));
  }
}
