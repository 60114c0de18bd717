// The store: the state, the one way to change it, and React hooks to read it.

import { createContext, useContext, useRef, useSyncExternalStore } from 'react';
import type { Dispatch } from '../api/gateway';
import { type State, initialState } from './state';
import { reduce } from './reduce';

export class Store {
  private state: State = initialState;
  private listeners = new Set<() => void>();

  get = (): State => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Applies a gateway event. */
  dispatch(event: Dispatch): void {
    this.update((s) => reduce(s, event));
  }

  update(change: (state: State) => State): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((l) => l());
  }

  reset(): void {
    this.update(() => initialState);
  }
}

export const StoreContext = createContext<Store | null>(null);

export function useStoreInstance(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('no store');
  return store;
}

/** What `select` picks from the state; the component re-renders when that changes (by
 * reference, or shallowly for arrays the selector builds). */
export function useSelect<T>(select: (state: State) => T): T {
  const store = useStoreInstance();
  const last = useRef<{ state: State; select: (state: State) => T; value: T } | null>(null);
  const get = () => {
    const state = store.get();
    // Selectors close over props, so a new selector is asked again even on the same state.
    if (last.current?.state === state && last.current.select === select) return last.current.value;
    const value = select(state);
    if (last.current && shallowEqual(last.current.value, value)) {
      last.current = { state, select, value: last.current.value };
      return last.current.value;
    }
    last.current = { state, select, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, get, get);
}

function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}
