// What an expanded app (or group) shows, from its listings: only the groups its server declares
// (Tools, Resources with the templates, Prompts) with their counts, or, for a server that offers
// tools only, its tools directly. Before the app's first start what it declares is unknown: then
// the tools are listed (which starts it, as expanding always did) and, if the start told what the
// server declares, the groups are shown at once. Counts of a running app are listed (cheap); a
// stopped app shows what is known and is only started when a group is expanded.
// Vscode-free; unit-tested with a fake pool.
import { type AppSnapshot, isRunning, type ServerFeatures, type ToolInfo } from '../pool';
import { plural, sortByName, sortTools } from './format';
import type { Listing, TreeListings } from './treeListings';
import type { ServerListings } from './serverListings';
import { type GroupKind, type GroupNode, type MessageNode, nodeId, type PoolTreeNode } from './treeNodes';

export const GROUP_LABELS: Readonly<Record<GroupKind, string>> = { tools: 'Tools', resources: 'Resources', prompts: 'Prompts' };

/** The groups an app shows for what its server declares, in this order. */
export function offeredGroups(caps: ServerFeatures): GroupKind[] {
  return (['tools', 'resources', 'prompts'] as const).filter((g) => caps[g]);
}

type SnapshotSource = { snapshot(app: string): AppSnapshot | undefined };

function toolRows(app: string, listing: Listing<ToolInfo>, group?: 'tools'): PoolTreeNode[] {
  if (listing.error !== undefined) return [{ kind: 'message', app, group, text: `Could not list tools: ${listing.error}`, detail: listing.error, error: true }];
  if (!listing.items.length) return [{ kind: 'message', app, group, text: 'No tools', error: false }];
  return sortTools(listing.items).map((info) => ({ kind: 'tool', app, tool: info.name, info, ...(group ? { group } : {}) }));
}

/** Rows with the same id would break the tree (a server listing an item twice): the first one stays. */
function unique(nodes: PoolTreeNode[]): PoolTreeNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => {
    const id = nodeId(n);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The children of a pooled app's row. */
export async function appChildren(app: string, pool: SnapshotSource, listings: ServerListings): Promise<PoolTreeNode[]> {
  let caps = pool.snapshot(app)?.capabilities;
  if (!caps) {
    const tools = await listings.tools.get(app);
    caps = pool.snapshot(app)?.capabilities;
    if (!caps) return unique(toolRows(app, tools));
  }
  const groups = offeredGroups(caps);
  if (!groups.length) return [{ kind: 'message', app, text: 'Its server offers no tools, resources or prompts', error: false }];
  if (groups.length === 1 && groups[0] === 'tools') return unique(toolRows(app, await listings.tools.get(app)));
  return Promise.all(groups.map(async (group): Promise<GroupNode> => ({ kind: 'group', app, group, count: await groupCount(app, group, pool, listings) })));
}

/** How many items a group has: listed if the app runs, else what is known (the last listing, or the snapshot's counts). */
async function groupCount(app: string, group: GroupKind, pool: SnapshotSource, listings: ServerListings): Promise<string> {
  const running = isRunning(pool.snapshot(app)?.status);
  const count = async <T>(cache: TreeListings<T>, known: number | undefined): Promise<number | undefined> => {
    const listing = running ? await cache.get(app) : cache.peek(app);
    return listing?.items?.length ?? known;
  };
  const snap = () => pool.snapshot(app);
  switch (group) {
    case 'tools':
      return countText(await count(listings.tools, snap()?.toolCount));
    case 'prompts':
      return countText(await count(listings.prompts, snap()?.promptCount));
    case 'resources': {
      const [resources, templates] = await Promise.all([
        count(listings.resources, snap()?.resourceCount),
        count(listings.templates, snap()?.resourceTemplateCount),
      ]);
      if (resources === undefined) return templates ? plural(templates, 'template') : '';
      return templates ? `${resources} + ${plural(templates, 'template')}` : String(resources);
    }
  }
}

function countText(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function failed(app: string, group: GroupKind, what: string, error: string): MessageNode {
  return { kind: 'message', app, group, text: `Could not list ${what}: ${error}`, detail: error, error: true };
}

/** The children of a group row. */
export async function groupChildren(node: GroupNode, listings: ServerListings): Promise<PoolTreeNode[]> {
  const { app } = node;
  switch (node.group) {
    case 'tools':
      return unique(toolRows(app, await listings.tools.get(app), 'tools'));
    case 'prompts': {
      const listing = await listings.prompts.get(app);
      if (listing.error !== undefined) return [failed(app, 'prompts', 'prompts', listing.error)];
      if (!listing.items.length) return [{ kind: 'message', app, group: 'prompts', text: 'No prompts', error: false }];
      return unique(sortByName(listing.items).map((info) => ({ kind: 'prompt', app, info, group: 'prompts' })));
    }
    case 'resources': {
      const [resources, templates] = await Promise.all([listings.resources.get(app), listings.templates.get(app)]);
      const rows: PoolTreeNode[] = [];
      if (resources.error !== undefined && templates.error !== undefined) {
        return [
          failed(app, 'resources', 'resources', resources.error === templates.error ? resources.error : `${resources.error}; templates: ${templates.error}`),
        ];
      }
      if (resources.error !== undefined) rows.push(failed(app, 'resources', 'resources', resources.error));
      if (templates.error !== undefined) rows.push(failed(app, 'resources', 'resource templates', templates.error));
      rows.push(...sortByName(resources.items ?? []).map((info): PoolTreeNode => ({ kind: 'resource', app, info, group: 'resources' })));
      rows.push(...sortByName(templates.items ?? []).map((info): PoolTreeNode => ({ kind: 'template', app, info, group: 'resources' })));
      if (!rows.length) return [{ kind: 'message', app, group: 'resources', text: 'No resources', error: false }];
      return unique(rows);
    }
  }
}
