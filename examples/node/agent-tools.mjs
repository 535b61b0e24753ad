#!/usr/bin/env node
// daytona-tools in Node.js, through jco: the component is transpiled to an ES module plus
// core wasm (cached under node_modules/.cache/daytona-tools/<sha256>/), and its WASI 0.2
// and wasi:http imports are served by @bytecodealliance/preview2-shim.
//
//   node agent-tools.mjs tools                 the tool names, one a line
//   node agent-tools.mjs call TOOL [JSON]      call a tool; prints its JSON result (exit 1 on a tool error)
//   node agent-tools.mjs story [NAME]          list-tools, then create NAME, run `echo hello` in it, delete it
//   node agent-tools.mjs bench [N]             average latency of N get_sandbox and N list_sandboxes calls
//
// Environment: DAYTONA_API_KEY, DAYTONA_API_URL, ... (the component's configuration; every
// DAYTONA_* variable but DAYTONA_TOOLS_WASM is passed in) and DAYTONA_TOOLS_WASM, the
// component (default: the release build of this checkout).
//
// As a library:
//
//   import { loadDaytonaTools } from './agent-tools.mjs';
//   const tools = await loadDaytonaTools('daytona_tools.wasm', { env: { DAYTONA_API_KEY: 'dtn_...' } });
//   tools.listTools();                              // [{ name, title, description, inputSchema, ... }]
//   tools.callTool('list_sandboxes', { limit: 5 }); // an object, or throws a ToolError

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cli } from '@bytecodealliance/preview2-shim';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_WASM = resolve(here, '../../target/wasm32-wasip2/release/daytona_tools.wasm');

/**
 * jco's shim bounds the wait for an answer's headers with the *connect* timeout (it is a
 * socket idle timeout there) and applies the first-byte timeout only once headers have
 * arrived. So with the component's default 10 s connect timeout, any answer Daytona holds
 * longer (a create, a long execute_command) fails with `timeout` in Node while it succeeds
 * in wasmtime. Unless the caller chose one, give the connect timeout room for the longest
 * answer we expect: 120 s (execute_command waits for its own timeout + 15 s).
 */
export const NODE_CONNECT_TIMEOUT_MS = '120000';

/** A `tool-error` (the WIT `error` record) returned by `call-tool`. */
export class ToolError extends Error {
  constructor(record) {
    super(`${record.kind}: ${record.message}`);
    this.name = 'ToolError';
    this.record = record;
  }
}

/** The DAYTONA_* variables of `environ`, the only ones the component gets to see. */
export function daytonaEnv(environ = process.env) {
  const env = {};
  for (const [k, v] of Object.entries(environ)) {
    if (k.startsWith('DAYTONA_') && k !== 'DAYTONA_TOOLS_WASM' && v !== undefined) env[k] = v;
  }
  return env;
}

/** Transpile the component once per content hash; returns the module's file URL. */
async function transpiled(wasmPath) {
  const bytes = readFileSync(wasmPath);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const dir = join(here, 'node_modules', '.cache', 'daytona-tools', hash);
  const entry = join(dir, 'daytona_tools.js');
  if (!existsSync(entry)) {
    const { transpile } = await import('@bytecodealliance/jco');
    const { files } = await transpile(bytes, { name: 'daytona_tools', noTypescript: true, quiet: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), data);
    }
    try {
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true }); // another process got there first
      if (!existsSync(entry)) throw e;
    }
  }
  return pathToFileURL(entry).href;
}

/**
 * Load the component. jco instantiates it once, when its module is imported, so one
 * process holds one instance (and one environment): load once per process.
 */
export async function loadDaytonaTools(wasmPath, { env } = {}) {
  const guestEnv = { ...(env ?? daytonaEnv()) };
  guestEnv.DAYTONA_CONNECT_TIMEOUT_MS ??= NODE_CONNECT_TIMEOUT_MS;
  // The shim's default environment is all of process.env; hand the guest only its own.
  cli._setEnv(guestEnv);
  const { tools } = await import(await transpiled(wasmPath));
  return {
    listTools() {
      return tools.listTools().map((t) => ({
        ...t,
        inputSchema: JSON.parse(t.inputSchema),
        outputSchema: t.outputSchema === undefined ? null : JSON.parse(t.outputSchema),
      }));
    },
    callTool(name, args = {}) {
      const json = typeof args === 'string' ? args : JSON.stringify(args);
      let out;
      try {
        out = tools.callTool(name, json);
      } catch (e) {
        // jco throws the `err` side of a result as a ComponentError carrying the record.
        if (e?.payload?.kind) throw new ToolError(e.payload);
        throw e;
      }
      return JSON.parse(out);
    },
  };
}

function call(tools, name, args) {
  try {
    return tools.callTool(name, args);
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    console.error(`error: ${JSON.stringify(e.record)}`);
    process.exit(1);
  }
}

function story(tools, name) {
  const names = tools.listTools().map((t) => t.name);
  console.log(`list-tools: ${names.length} tools: ${names.join(', ')}`);
  console.log(`create_sandbox: ${JSON.stringify(call(tools, 'create_sandbox', { name }))}`);
  console.log(`execute_command: ${JSON.stringify(call(tools, 'execute_command', { sandbox: name, command: 'echo hello' }))}`);
  console.log(`delete_sandbox: ${JSON.stringify(call(tools, 'delete_sandbox', { sandbox: name }))}`);
  console.log('story: ok');
}

function stats(label, samples) {
  const s = [...samples].sort((a, b) => a - b);
  const avg = s.reduce((a, b) => a + b, 0) / s.length;
  const f = (x) => x.toFixed(1);
  console.log(
    `bench node ${label}: n=${s.length} avg=${f(avg)} ms min=${f(s[0])} p50=${f(s[(s.length - 1) >> 1])} max=${f(s[s.length - 1])}`,
  );
}

async function bench(wasm, n) {
  const t0 = performance.now();
  const tools = await loadDaytonaTools(wasm);
  console.log(`bench node load (transpile or reuse cache, import, instantiate): ${(performance.now() - t0).toFixed(1)} ms`);
  const name = `bench-node-${process.pid}`;
  call(tools, 'create_sandbox', { name });
  for (const [tool, args] of [
    ['get_sandbox', { sandbox: name }],
    ['list_sandboxes', {}],
  ]) {
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      tools.callTool(tool, args);
      samples.push(performance.now() - t);
    }
    stats(`${tool} (the one instance, per call)`, samples);
  }
  call(tools, 'delete_sandbox', { sandbox: name });
}

async function main(argv) {
  const wasm = process.env.DAYTONA_TOOLS_WASM || DEFAULT_WASM;
  if (!existsSync(wasm)) {
    console.error(`agent-tools.mjs: component not found at ${wasm} (set DAYTONA_TOOLS_WASM)`);
    return 2;
  }
  const [cmd, ...rest] = argv;
  if (cmd === 'tools') {
    for (const t of (await loadDaytonaTools(wasm)).listTools()) console.log(t.name);
  } else if (cmd === 'call' && rest.length >= 1) {
    console.log(JSON.stringify(call(await loadDaytonaTools(wasm), rest[0], rest[1] ?? '{}')));
  } else if (cmd === 'story') {
    story(await loadDaytonaTools(wasm), rest[0] ?? 'agent-tools-demo');
  } else if (cmd === 'bench') {
    await bench(wasm, Number(rest[0] ?? 20));
  } else {
    console.error('usage: agent-tools.mjs tools | call TOOL [JSON] | story [NAME] | bench [N]');
    return 64;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
