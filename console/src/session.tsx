import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type User, login as loginCall, logout as logoutCall } from './api/auth';
import { PlatformApi } from './api/client';
import type { FeedEvent } from './live/feed';
import { LiveFeed, type LiveState } from './live/connection';

/** Newest first; older ones stay in the history page of notification-service. */
const FEED_LIMIT = 200;

interface Session {
  api: PlatformApi;
  user: User | null;
  events: FeedEvent[];
  live: LiveState;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Set when the session ended on its own (refresh refused): the sign-in page says why. */
  endedReason: string | null;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [live, setLive] = useState<LiveState>({ kind: 'stopped', reason: 'signed out' });
  const [endedReason, setEndedReason] = useState<string | null>(null);
  const feed = useRef<LiveFeed | null>(null);

  const api = useMemo(
    () =>
      new PlatformApi({
        onSignedOut: () => {
          setUser(null);
          setEndedReason('Your session has ended. Please sign in again.');
        },
      }),
    [],
  );

  useEffect(() => {
    if (!user) return undefined;
    const liveFeed = new LiveFeed({
      api,
      onEvent: (event) => setEvents((current) => [event, ...current].slice(0, FEED_LIMIT)),
      onState: setLive,
    });
    feed.current = liveFeed;
    liveFeed.start();
    return () => {
      liveFeed.stop();
      feed.current = null;
      setLive({ kind: 'stopped', reason: 'signed out' });
    };
  }, [api, user]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const signedIn = await loginCall(api, email, password);
      setEndedReason(null);
      setEvents([]);
      setUser(signedIn);
    },
    [api],
  );

  const signOut = useCallback(async () => {
    try {
      await logoutCall(api);
    } finally {
      setUser(null);
      setEvents([]);
    }
  }, [api]);

  const value = useMemo(
    () => ({ api, user, events, live, signIn, signOut, endedReason }),
    [api, user, events, live, signIn, signOut, endedReason],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
