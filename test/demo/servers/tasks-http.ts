/**
 * The demo's remote app: a "tasks" MCP server over Streamable HTTP, written with the official SDK v2
 * (createMcpHandler), bound to 127.0.0.1. npm start runs it; the workspace reaches it as `demo-remote`
 * (directly over HTTP from the editor, the default transport) and as `demo-remote-proxy` (through the
 * bundled mcp-remote). Not a test fixture (those are in test/fixtures/). Deterministic: four seeded tasks,
 * kept in memory; no network beyond 127.0.0.1.
 *
 *   node out/test/demo/servers/tasks-http.js [--port N]
 * prints one line {"url":"http://127.0.0.1:N/mcp"} on stdout and exits on SIGTERM/SIGINT.
 *
 * Tools (all with output schemas): list_tasks {status?}, add_task {title, due?}, complete_task {id}.
 * Resource: tasks://board (markdown). Prompt: plan_my_day {hours?}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

interface Task {
  id: number;
  title: string;
  due: string;
  done: boolean;
}

const tasks: Task[] = [
  { id: 1, title: 'Review the pool eviction PR', due: '2026-12-08', done: false },
  { id: 2, title: 'Write the 0.2.0 release notes', due: '2026-12-09', done: false },
  { id: 3, title: 'Try the demo on the newest VS Code', due: '2026-12-07', done: true },
  { id: 4, title: 'Answer the mcp-remote OAuth question', due: '2026-12-10', done: false },
];

const taskSchema = z.object({ id: z.number().int(), title: z.string(), due: z.string(), done: z.boolean() });
const line = (t: Task) => `${t.done ? '[x]' : '[ ]'} ${t.id}. ${t.title} (due ${t.due})`;
const board = () => `# Tasks\n\n${tasks.map((t) => `- ${line(t)}`).join('\n')}\n`;

function createTasksServer(): McpServer {
  const server = new McpServer(
    { name: 'demo-tasks', version: '1.0.0' },
    { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: 'A shared task list: list, add and complete tasks.' },
  );

  server.registerTool(
    'list_tasks',
    {
      title: 'List tasks',
      description: 'Lists the tasks, optionally only the open or the done ones.',
      inputSchema: z.object({ status: z.enum(['open', 'done', 'all']).optional().describe('Which tasks (default: all)') }),
      outputSchema: z.object({ tasks: z.array(taskSchema) }),
      annotations: { readOnlyHint: true },
    },
    ({ status }) => {
      const list = tasks.filter((t) => (status === 'open' ? !t.done : status === 'done' ? t.done : true));
      return { content: [{ type: 'text', text: list.map(line).join('\n') || 'no tasks' }], structuredContent: { tasks: list } };
    },
  );

  server.registerTool(
    'add_task',
    {
      title: 'Add task',
      description: 'Adds an open task.',
      inputSchema: z.object({
        title: z.string().describe('What to do'),
        due: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional()
          .describe('Due date, YYYY-MM-DD (default 2026-12-11)'),
      }),
      outputSchema: taskSchema,
    },
    ({ title, due }) => {
      const task = { id: Math.max(0, ...tasks.map((t) => t.id)) + 1, title, due: due ?? '2026-12-11', done: false };
      tasks.push(task);
      return { content: [{ type: 'text', text: `Added ${line(task)}` }], structuredContent: task };
    },
  );

  server.registerTool(
    'complete_task',
    {
      title: 'Complete task',
      description: 'Marks a task as done.',
      inputSchema: z.object({ id: z.number().int().describe('The task id (see list_tasks)') }),
      outputSchema: taskSchema,
      annotations: { idempotentHint: true },
    },
    ({ id }) => {
      const task = tasks.find((t) => t.id === id);
      if (!task) return { isError: true, content: [{ type: 'text', text: `no task ${id}: list_tasks shows the ids` }] };
      task.done = true;
      return { content: [{ type: 'text', text: `Done: ${line(task)}` }], structuredContent: task };
    },
  );

  server.registerResource(
    'board',
    'tasks://board',
    { title: 'Task board', description: 'Every task, as a markdown checklist', mimeType: 'text/markdown' },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: board() }],
    }),
  );

  server.registerPrompt(
    'plan_my_day',
    {
      title: 'Plan my day',
      description: 'Asks the model to plan the open tasks into a day.',
      argsSchema: z.object({ hours: z.string().optional().describe('Hours available (default 6)') }),
    },
    ({ hours }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `I have ${hours ?? '6'} hours today. Plan these open tasks, most urgent first:\n\n${tasks
              .filter((t) => !t.done)
              .map(line)
              .join('\n')}`,
          },
        },
      ],
    }),
  );
  return server;
}

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
const handler = createMcpHandler(() => createTasksServer(), { onerror: (e) => process.stderr.write(`demo-tasks: ${e.message}\n`) });
const node = toNodeHandler(handler, { onerror: (e) => process.stderr.write(`demo-tasks: ${e.message}\n`) });
const http = createServer((req, res) => {
  if (req.url?.split('?')[0] === '/mcp') void node(req, res);
  else res.writeHead(404).end();
});
http.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp` })}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT'] as const)
  process.on(sig, () => {
    http.closeAllConnections();
    http.close(() => process.exit(0));
  });
