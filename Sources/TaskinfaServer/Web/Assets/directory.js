// What the pages need to know about a workspace besides its tasks: its projects, its people and
// its bot workers (to show an assignee, a bot badge, an agent's loop), kept current by events.
import { api } from './api.js';

export class Directory {
  constructor(workspaceID) {
    this.workspaceID = workspaceID;
    this.projectList = [];
    this.members = [];
    this.workers = [];
    this.loops = new Map(); // task id → latest loop number seen in its comments
    this.version = 0;
    this.ready = Promise.resolve();
  }

  /** Loads (again); `ready` is the load in flight, for pages that need the directory first. */
  load() {
    this.ready = this.fetch();
    return this.ready;
  }

  async fetch() {
    const base = `/workspaces/${encodeURIComponent(this.workspaceID)}`;
    const [projects, members, workers] = await Promise.all([
      api.get(`${base}/projects`),
      api.get(`${base}/members`).catch(() => ({ members: [] })),
      api.get(`${base}/workers`).catch(() => ({ workers: [] })),
    ]);
    this.projectList = projects.projects;
    this.members = members.members;
    this.workers = workers.workers;
    this.version += 1;
  }

  projects() {
    return this.projectList;
  }

  project(id) {
    return this.projectList.find((project) => project.id === id) ?? null;
  }

  /** Everyone a task can be assigned to: members, then bots. */
  people() {
    return [
      ...this.members.map((member) => ({ id: member.user.id, name: member.user.name || member.user.email, bot: false })),
      ...this.workers.map((worker) => ({ id: worker.id, name: worker.name, bot: true })),
    ];
  }

  person = (id) => this.people().find((person) => person.id === id) ?? { id, name: id, bot: id.startsWith('wkr_') };

  /** {loop, maxLoops} while an agent works on the task. */
  agentState = (task) => {
    const workerID = task.agent?.claimed_by;
    if (!workerID) return null;
    const worker = this.workers.find((item) => item.id === workerID);
    const loop = this.loops.get(task.id) ?? (worker?.current_task_id === task.id ? worker.current_loop : null);
    return { loop, maxLoops: worker?.configuration?.max_loops };
  };

  /** Follows an event; true if something shown elsewhere changed. */
  apply(event) {
    const data = event.data ?? {};
    switch (event.type) {
      case 'project.created':
      case 'project.updated':
        this.projectList = [...this.projectList.filter((p) => p.id !== data.project.id), data.project].sort((a, b) => a.name.localeCompare(b.name));
        break;
      case 'project.deleted':
        this.projectList = this.projectList.filter((p) => p.id !== (data.project?.id ?? event.project_id));
        break;
      case 'worker.created':
      case 'worker.updated':
        if (!data.worker) return false;
        this.workers = [...this.workers.filter((w) => w.id !== data.worker.id), data.worker];
        break;
      case 'worker.deleted':
        this.workers = this.workers.filter((w) => w.id !== (data.worker?.id ?? data.worker_id));
        break;
      case 'member.joined':
        this.load();
        return false;
      case 'comment.created':
        if (data.comment?.loop_number && data.comment.author?.type === 'bot') this.loops.set(data.comment.task_id, data.comment.loop_number);
        else return false;
        break;
      case 'execution.finished':
        this.loops.delete(event.task_id);
        break;
      default:
        return false;
    }
    this.version += 1;
    return true;
  }
}
