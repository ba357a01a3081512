// The slice of ari-client 2.2.0 this adapter uses (the package ships no types).
declare module 'ari-client' {
  import { EventEmitter } from 'node:events';

  interface Client extends EventEmitter {
    start(apps: string | string[], subscribeAll?: boolean): Promise<void>;
    stop(): void;
  }

  export function connect(url: string, user: string, pass: string): Promise<Client>;
}
