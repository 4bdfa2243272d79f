export interface Frame {
  id?: number;
  type: string;
  data?: any;
}

export type ConnectionStatus = 'connecting' | 'open' | 'offline';

/**
 * The agent's live connection (`/api/v1/realtime`, authenticated by the session cookie). Reconnects with
 * backoff and resumes from the last event id, so nothing is missed while offline.
 */
export class RealtimeConnection {
  status: ConnectionStatus = 'connecting';
  private socket: WebSocket | undefined;
  private lastEventId: number | undefined;
  private attempts = 0;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readonly frameListeners = new Set<(frame: Frame) => void>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();

  connect() {
    this.closed = false;
    const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = this.lastEventId === undefined ? '' : `?lastEventId=${this.lastEventId}`;
    const socket = new WebSocket(`${protocol}//${window.location.host}/api/v1/realtime${query}`);
    this.socket = socket;
    this.setStatus('connecting');
    socket.onmessage = (message) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (frame.type === 'hello') {
        this.attempts = 0;
        this.setStatus('open');
      }
      if (typeof frame.id === 'number') this.lastEventId = Math.max(this.lastEventId ?? 0, frame.id);
      for (const listener of this.frameListeners) listener(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      clearInterval(this.pingTimer);
      this.setStatus('offline');
      if (this.closed) return;
      const delay = Math.min(30_000, 500 * 2 ** this.attempts) * (0.8 + Math.random() * 0.4);
      this.attempts += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.send({ type: 'ping' }), 25_000);
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.socket?.close();
  }

  send(frame: Record<string, unknown>) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  onFrame(listener: (frame: Frame) => void) {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (status: ConnectionStatus) => void) {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: ConnectionStatus) {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

export interface PresenceEntry {
  userId: string;
  state: 'viewing' | 'typing';
  at: number;
}

const PRESENCE_TTL_MS = 70_000;
const TYPING_TTL_MS = 8_000;

/** Who else is looking at or typing in which conversation, from `presence` frames. */
export class PresenceStore {
  private readonly byConversation = new Map<string, Map<string, PresenceEntry>>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  apply(data: { conversationId: string; userId: string; state: string; at?: string }) {
    let entries = this.byConversation.get(data.conversationId);
    if (data.state === 'left') entries?.delete(data.userId);
    else if (data.state === 'viewing' || data.state === 'typing') {
      if (!entries) {
        entries = new Map();
        this.byConversation.set(data.conversationId, entries);
      }
      entries.set(data.userId, { userId: data.userId, state: data.state, at: Date.now() });
    }
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  clear() {
    this.byConversation.clear();
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  /** Current viewers of a conversation; typing that has gone quiet counts as viewing. */
  of(conversationId: string, now = Date.now()): PresenceEntry[] {
    const entries = [...(this.byConversation.get(conversationId)?.values() ?? [])];
    return entries
      .filter((entry) => now - entry.at < PRESENCE_TTL_MS)
      .map((entry) =>
        entry.state === 'typing' && now - entry.at > TYPING_TTL_MS
          ? { ...entry, state: 'viewing' as const }
          : entry,
      );
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = () => this.version;
}
