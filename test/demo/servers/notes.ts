/**
 * The demo's "notes" app (`demo-notes` in npm start's workspace): a small stdio MCP server written with
 * the official SDK v2, the kind of server a user would add. Not a test fixture: the tests' servers are
 * in test/fixtures/. Deterministic: three seeded notes, kept in memory for the life of the process.
 *
 *   node out/test/demo/servers/notes.js
 *
 * Tools: add_note {title, text}, list_notes {}, search_notes {query}. Resources: each note
 * (note://<id>, markdown). Prompt: summarize_notes {topic?}.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

interface Note {
  id: number;
  title: string;
  text: string;
}

const notes: Note[] = [
  { id: 1, title: 'Release checklist', text: 'Bump the version, update CHANGELOG.md, run the editor suite on both VS Code versions, then package the .vsix.' },
  { id: 2, title: 'Standup', text: "Pool warm-up is down to 1.2 s. Next: show each app's description in the Apps view." },
  { id: 3, title: 'Ideas', text: 'Group apps by workspace folder. A quick pick to restart only the crashed apps.' },
];

const noteSchema = z.object({ id: z.number().int(), title: z.string(), text: z.string() });
const markdown = (n: Note) => `# ${n.title}\n\n${n.text}\n`;
const listing = (list: Note[]) => (list.length ? list.map((n) => `${n.id}. ${n.title}`).join('\n') : 'no notes');

function createNotesServer(): McpServer {
  const server = new McpServer(
    { name: 'demo-notes', version: '1.0.0' },
    { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: 'A small notebook: add, list and search notes.' },
  );

  server.registerTool(
    'add_note',
    {
      title: 'Add note',
      description: 'Adds a note to the notebook and returns it with its id.',
      inputSchema: z.object({ title: z.string().describe('A short title'), text: z.string().describe('The note itself') }),
      outputSchema: noteSchema,
    },
    ({ title, text }) => {
      const note = { id: Math.max(0, ...notes.map((n) => n.id)) + 1, title, text };
      notes.push(note);
      return { content: [{ type: 'text', text: `Added note ${note.id}: ${title}` }], structuredContent: note };
    },
  );

  server.registerTool(
    'list_notes',
    {
      title: 'List notes',
      description: 'Lists every note (id and title).',
      inputSchema: z.object({}),
      outputSchema: z.object({ notes: z.array(noteSchema) }),
      annotations: { readOnlyHint: true },
    },
    () => ({ content: [{ type: 'text', text: listing(notes) }], structuredContent: { notes } }),
  );

  server.registerTool(
    'search_notes',
    {
      title: 'Search notes',
      description: 'Finds the notes whose title or text contains the query (case-insensitive).',
      inputSchema: z.object({ query: z.string().describe('Words to look for') }),
      outputSchema: z.object({ notes: z.array(noteSchema) }),
      annotations: { readOnlyHint: true },
    },
    ({ query }) => {
      const q = query.toLowerCase();
      const found = notes.filter((n) => `${n.title}\n${n.text}`.toLowerCase().includes(q));
      return { content: [{ type: 'text', text: listing(found) }], structuredContent: { notes: found } };
    },
  );

  server.registerResource(
    'note',
    new ResourceTemplate('note://{id}', {
      list: () => ({ resources: notes.map((n) => ({ uri: `note://${n.id}`, name: n.title, mimeType: 'text/markdown' })) }),
    }),
    { description: 'A note, as markdown', mimeType: 'text/markdown' },
    (uri, { id }) => {
      const note = notes.find((n) => String(n.id) === String(id));
      if (!note) throw new Error(`no note ${String(id)}`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: markdown(note) }] };
    },
  );

  server.registerPrompt(
    'summarize_notes',
    {
      title: 'Summarize notes',
      description: 'Asks the model for a short summary of the notebook (optionally of one topic).',
      argsSchema: z.object({ topic: z.string().optional().describe('Only notes about this') }),
    },
    ({ topic }) => {
      const chosen = topic ? notes.filter((n) => `${n.title}\n${n.text}`.toLowerCase().includes(topic.toLowerCase())) : notes;
      return {
        description: topic ? `Summary of the notes about ${topic}` : 'Summary of all notes',
        messages: [{ role: 'user', content: { type: 'text', text: `Summarize these notes in three bullet points:\n\n${chosen.map(markdown).join('\n')}` } }],
      };
    },
  );
  return server;
}

serveStdio(() => createNotesServer(), { onerror: (e) => process.stderr.write(`demo-notes: ${e.message}\n`) });
