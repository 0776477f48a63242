// The workspace's live event stream, one per browser rather than one per tab: a browser keeps
// only six connections per host over HTTP/1.1, and each EventSource holds one for good. The Web
// Locks API elects one tab to hold the EventSource; it passes every event to the other tabs over
// a BroadcastChannel. When that tab closes or is frozen in the back-forward cache, its lock is
// released and another tab takes over, resuming after the last event any tab saw.

const eventTypes = [
  'task.created', 'task.updated', 'task.moved', 'task.deleted', 'comment.created',
  'dependency.added', 'dependency.removed', 'project.created', 'project.updated', 'project.deleted',
  'workspace.created', 'workspace.updated', 'member.joined', 'api_key.created', 'api_key.updated',
  'api_key.revoked', 'worker.created', 'worker.updated', 'worker.deleted', 'execution.started',
  'execution.updated', 'execution.finished',
];

/**
 * Follows the workspace's events: onEvent(event) for each (in order, each once), onStatus(state)
 * with 'connecting' | 'live' | 'reconnecting', onReset() when what the page holds can't be
 * brought up to date event by event and must be read again. Returns {close()}.
 */
export function followWorkspace(workspaceID, { onEvent, onStatus, onSignedOut, onReset, after } = {}) {
  const name = `taskinfa-events-${workspaceID}`;
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(name) : null;
  let lastID = after ?? null;
  let status = 'connecting';
  let closed = false;
  let leadership = null; // {release(), source}

  const setStatus = (next, broadcast) => {
    if (next === status) return;
    status = next;
    onStatus?.(next);
    if (broadcast) channel?.postMessage({ kind: 'status', status: next });
  };

  const deliver = (event, broadcast) => {
    if (lastID !== null && event.id <= lastID) return;
    lastID = event.id;
    if (broadcast) channel?.postMessage({ kind: 'event', event });
    onEvent?.(event);
  };

  if (channel) {
    channel.onmessage = ({ data }) => {
      if (data.kind === 'event') deliver(data.event, false);
      else if (data.kind === 'reset') onReset?.();
      else if (data.kind === 'status' && !leadership) setStatus(data.status, false);
      else if (data.kind === 'hello' && leadership) channel.postMessage({ kind: 'status', status });
      else if (data.kind === 'seen' && leadership && data.lastID !== null && (lastID === null || data.lastID > lastID)) {
        // Another tab saw further than this one (it led before): resume from there.
        lastID = data.lastID;
      }
    };
  }

  /** Holds the EventSource while this tab leads; resolves when it stops leading. */
  const lead = () => new Promise((resolve) => {
    let source = null;
    let retryTimer = null;
    let failures = 0;
    const open = () => {
      const url = `/api/v1/workspaces/${encodeURIComponent(workspaceID)}/events${lastID !== null ? `?after=${lastID}` : ''}`;
      source = new EventSource(url, { withCredentials: true });
      source.onopen = () => {
        failures = 0;
        setStatus('live', true);
      };
      source.onerror = () => {
        if (source.readyState === EventSource.CONNECTING) {
          setStatus('reconnecting', true);
          return;
        }
        // The browser gave up (an error status): find out whether the session ended, then retry
        // from the last event with a growing pause.
        setStatus('reconnecting', true);
        source.close();
        failures += 1;
        fetch('/api/v1/auth/me', { credentials: 'same-origin' }).then((response) => {
          if (response.status === 401) {
            onSignedOut?.();
            return;
          }
          retryTimer = setTimeout(open, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
        }, () => {
          retryTimer = setTimeout(open, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
        });
      };
      // The server can't catch this tab up (its log no longer has what the tab saw): read again.
      source.addEventListener('reset', (message) => {
        try {
          lastID = JSON.parse(message.data).last_id;
        } catch {
          lastID = null;
        }
        channel?.postMessage({ kind: 'reset' });
        onReset?.();
      });
      for (const type of eventTypes) {
        source.addEventListener(type, (message) => {
          try {
            deliver(JSON.parse(message.data), true);
          } catch {
            // A frame that isn't JSON is not ours to act on.
          }
        });
      }
    };
    open();
    leadership = {
      release: () => {
        clearTimeout(retryTimer);
        source?.close();
        leadership = null;
        resolve();
      },
    };
  });

  let abort = null;
  const elect = () => {
    if (closed || !('locks' in navigator)) {
      if (!closed) lead();
      return;
    }
    abort = new AbortController();
    channel?.postMessage({ kind: 'hello' });
    channel?.postMessage({ kind: 'seen', lastID });
    navigator.locks.request(name, { signal: abort.signal }, () => (closed ? undefined : lead())).catch(() => {});
  };

  const stop = () => {
    abort?.abort();
    leadership?.release();
  };
  const onPageHide = () => stop();
  const onPageShow = (event) => {
    if (event.persisted) elect();
  };
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  elect();

  return {
    get lastID() {
      return lastID;
    },
    close() {
      closed = true;
      stop();
      channel?.close();
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    },
  };
}
