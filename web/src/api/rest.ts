// The REST client: Discord's API v10 under /api/v10, with the account's access token, a
// refresh before it expires (and once more on a 401), and Accord's JSON error bodies.

import type { User } from './types';

export const API = '/api/v10';

/** An error body from the server: `{code, message, error, errors}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }
}

export interface Tokens {
  token: string;
  refresh_token: string;
  expires_in: number;
  user: User;
}

interface Stored {
  token: string;
  refresh: string;
  /** Unix ms after which the access token is refreshed before use. */
  refreshAfter: number;
}

const STORAGE_KEY = 'accord.session';

/** The signed-in account's tokens, kept in localStorage so a reload stays signed in. */
export class Auth {
  private stored: Stored | null;
  private refreshing: Promise<boolean> | null = null;
  private listeners = new Set<() => void>();

  constructor(private storage: Storage | null = globalThis.localStorage ?? null) {
    const raw = storage?.getItem(STORAGE_KEY);
    this.stored = raw ? (JSON.parse(raw) as Stored) : null;
  }

  get signedIn(): boolean {
    return this.stored !== null;
  }

  get token(): string | null {
    return this.stored?.token ?? null;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(tokens: Tokens): void {
    // Refresh at four fifths of the lifetime, so a token never expires mid-request.
    const refreshAfter = Date.now() + tokens.expires_in * 800;
    this.save({ token: tokens.token, refresh: tokens.refresh_token, refreshAfter });
  }

  clear(): void {
    this.save(null);
  }

  private save(stored: Stored | null): void {
    this.stored = stored;
    if (stored) this.storage?.setItem(STORAGE_KEY, JSON.stringify(stored));
    else this.storage?.removeItem(STORAGE_KEY);
    this.listeners.forEach((l) => l());
  }

  /** A current access token, refreshed first when it is due. */
  async fresh(force = false): Promise<string | null> {
    if (!this.stored) return null;
    if (force || Date.now() > this.stored.refreshAfter) {
      await this.refresh();
    }
    return this.stored?.token ?? null;
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refresh = this.stored?.refresh;
      if (!refresh) return false;
      try {
        const response = await fetch(`${API}/auth/refresh`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: refresh }),
        });
        if (response.status === 401 || response.status === 400) {
          this.clear();
          return false;
        }
        if (!response.ok) return false;
        this.set((await response.json()) as Tokens);
        return true;
      } catch {
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}

export interface RequestOptions {
  body?: unknown;
  form?: FormData;
  reason?: string;
  query?: Record<string, string | number | undefined>;
  /** Upload progress, 0..1 (uses XMLHttpRequest, which reports it). */
  onProgress?: (fraction: number) => void;
}

export class Rest {
  constructor(readonly auth: Auth) {}

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}, retried = false): Promise<T> {
    const token = await this.auth.fresh();
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.reason) headers['X-Audit-Log-Reason'] = encodeURIComponent(options.reason);
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const url = API + path + query(options.query);
    const { status, text } = options.onProgress
      ? await upload(method, url, headers, body, options.onProgress)
      : await fetch(url, { method, headers, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
    if (status === 401 && token && !retried && (await this.auth.fresh(true))) {
      return this.request<T>(method, path, options, true);
    }
    const parsed = text ? safeJson(text) : undefined;
    if (status >= 400) {
      const error = (parsed ?? {}) as { code?: number; message?: string; errors?: unknown };
      if (status === 401 && token) this.auth.clear();
      throw new ApiError(status, error.code ?? 0, error.message ?? `HTTP ${status}`, error.errors);
    }
    return parsed as T;
  }
}

function query(params?: Record<string, string | number | undefined>): string {
  if (!params) return '';
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function upload(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: BodyInit | undefined,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    Object.entries(headers).forEach(([k, v]) => xhr.setRequestHeader(k, v));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      onProgress(1);
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => reject(new ApiError(0, 0, 'Network error'));
    xhr.send(body as XMLHttpRequestBodyInit | null);
  });
}

/** A user's display name. */
export function displayName(user?: Pick<User, 'username' | 'global_name'> | null): string {
  return user?.global_name || user?.username || 'unknown';
}

/** The URL of a user's avatar, or null for the default. */
export function avatarUrl(user?: Pick<User, 'id' | 'avatar'> | null, size = 64): string | null {
  return user?.avatar ? `/avatars/${user.id}/${user.avatar}.png?size=${size}` : null;
}
