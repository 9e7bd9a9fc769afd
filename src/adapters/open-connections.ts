/**
 * The connections an adapter handed out and has not closed yet, so `Adapter.close()` ends them
 * all (remote engines keep a client and session per connection).
 */
export class OpenConnections<C extends { close(): Promise<void> }> {
  private readonly open = new Set<C>();

  /** Remembers a new connection and returns it. */
  track(conn: C): C {
    this.open.add(conn);
    return conn;
  }

  /** Closes every tracked connection, one after the other. */
  async closeAll(): Promise<void> {
    for (const conn of [...this.open]) await conn.close();
    this.open.clear();
  }
}
