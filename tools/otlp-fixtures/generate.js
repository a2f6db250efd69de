'use strict';
// Builds realistic agent runs with the real OpenTelemetry JS SDK and writes
// them as OTLP/JSON (the SDK's own JsonTraceSerializer from
// @opentelemetry/otlp-transformer) for the tests of the dashflow `otlp`
// trace source (tests/plugins_trace_otlp).
//
// Usage: npm install && node generate.js <output-dir>
//
// Output is deterministic: fixed clock (explicit start/end times), fixed ids
// (a seeded id generator), fixed stack traces. Re-running overwrites the files
// with identical bytes, so a diff shows real changes only.
//
// Files written:
//   agent_runs.json       one ExportTraceServiceRequest, runs 1-4 (two scopes)
//   genai_old_new.jsonl   run 5 in two JSON Lines batches (children first,
//                         the root later, as a BatchSpanProcessor exports)
//   rag_run.jsonl.gz      run 6, gzip-compressed JSON Lines
// What each run must map to is asserted in tests/plugins_trace_otlp/sdk_fixtures_test.cpp.

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const api = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');

// 2026-01-15T10:00:00Z; every run starts a minute after the previous one.
const BASE_SECONDS = Date.UTC(2026, 0, 15, 10, 0, 0) / 1000;

// Microseconds after the run's start -> OTel HrTime [seconds, nanoseconds].
function at(run, micros) {
  const total = run * 60 * 1e6 + micros;
  return [BASE_SECONDS + Math.floor(total / 1e6), (total % 1e6) * 1000];
}

// Deterministic ids (xorshift32), so the fixtures do not change between runs.
class SeededIdGenerator {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  next() {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x.toString(16).padStart(8, '0');
  }
  generateTraceId() {
    return this.next() + this.next() + this.next() + this.next();
  }
  generateSpanId() {
    return this.next() + this.next();
  }
}

function makeProvider(seed) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'travel-assistant',
      'service.version': '1.4.0',
      'deployment.environment.name': 'staging',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
    }),
    idGenerator: new SeededIdGenerator(seed),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { provider, exporter };
}

// Starts a span at `start` (micros into run) under `parent` (a Span or null).
function start(tracer, run, name, parent, startMicros, kind, attributes) {
  const ctx = parent ? api.trace.setSpan(api.context.active(), parent) : api.ROOT_CONTEXT;
  return tracer.startSpan(name, { kind, attributes, startTime: at(run, startMicros) }, ctx);
}

function finish(span, run, endMicros, status) {
  if (status) span.setStatus(status);
  span.end(at(run, endMicros));
}

// An exception recorded the way instrumentations do (type, message, stack).
function recordError(span, run, micros, type, message, escaped) {
  span.recordException(
    { name: type, message, stack: `${type}: ${message}\n    at fetchWeather (src/tools/weather.js:42:11)\n    at runTool (src/agent/tools.js:88:20)` },
    at(run, micros),
  );
  if (escaped !== undefined) {
    // recordException has no escaped flag; instrumentations add it as an event attribute.
    const events = span.events;
    events[events.length - 1].attributes['exception.escaped'] = escaped;
  }
}

const { INTERNAL, CLIENT } = api.SpanKind;
const OK = { code: api.SpanStatusCode.OK };
const UPSTREAM = 'weather API returned HTTP 503 Service Unavailable';

// An OpenInference LLM span (LangChain instrumentation style).
function llm(tracer, run, parent, from, to, tokens, extra) {
  const s = start(tracer, run, 'ChatOpenAI', parent, from, CLIENT, {
    'openinference.span.kind': 'LLM',
    'llm.system': 'openai',
    'llm.provider': 'openai',
    'llm.model_name': tokens.model || 'gpt-4o-2024-08-06',
    'llm.invocation_parameters': '{"temperature":0.2}',
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': 'What is the weather in Paris, and do I need an umbrella?',
    'llm.token_count.prompt': tokens.prompt,
    'llm.token_count.completion': tokens.completion,
    'llm.token_count.total': tokens.total,
    ...(tokens.cacheRead !== undefined ? { 'llm.token_count.prompt_details.cache_read': tokens.cacheRead } : {}),
    ...(tokens.reasoning !== undefined ? { 'llm.token_count.completion_details.reasoning': tokens.reasoning } : {}),
    ...(extra || {}),
  });
  finish(s, run, to, OK);
  return s;
}

// A GenAI execute_tool span; fails with an exception when `error` is set.
function tool(tracer, run, parent, from, to, name, callId, error) {
  const s = start(tracer, run, `execute_tool ${name}`, parent, from, INTERNAL, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    'gen_ai.tool.type': 'function',
    'gen_ai.tool.call.id': callId,
    'gen_ai.tool.call.arguments': '{"city":"Paris"}',
  });
  if (error) {
    recordError(s, run, to - 100, 'UpstreamError', error, true);
    s.setAttribute('error.type', 'UpstreamError');
    finish(s, run, to, { code: api.SpanStatusCode.ERROR, message: error });
  } else {
    s.setAttribute('gen_ai.tool.call.result', '{"forecast":"light rain","temp_c":11}');
    finish(s, run, to);
  }
  return s;
}

function agentRoot(tracer, run, from, conversation) {
  return start(tracer, run, 'invoke_agent weather_agent', null, from, INTERNAL, {
    'openinference.span.kind': 'AGENT',
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'weather_agent',
    'session.id': conversation,
    'user.id': 'user-7',
    'input.value': 'What is the weather in Paris, and do I need an umbrella?',
  });
}

// Run 1: success. LLM (tool request) -> fetch_weather -> LLM (answer, with reasoning tokens).
function run1(tracer) {
  const r = 1;
  const root = agentRoot(tracer, r, 0, 'conv-1001');
  llm(tracer, r, root, 10000, 1210000, { prompt: 812, completion: 64, total: 876, cacheRead: 512 });
  tool(tracer, r, root, 1225000, 1630500, 'fetch_weather', 'call_1');
  llm(tracer, r, root, 1650000, 4150000, { model: 'o4-mini-2025-04-16', prompt: 958, completion: 161, total: 1119, cacheRead: 768, reasoning: 40 });
  root.setAttribute('output.value', 'Light rain in Paris: take an umbrella.');
  finish(root, r, 4200000, OK);
}

// Run 2: the tool fails, the agent recovers and answers anyway (root OK).
function run2(tracer) {
  const r = 2;
  const root = agentRoot(tracer, r, 0, 'conv-1002');
  llm(tracer, r, root, 8000, 1108000, { prompt: 790, completion: 58, total: 848, cacheRead: 512 });
  tool(tracer, r, root, 1120000, 2120000, 'fetch_weather', 'call_1', UPSTREAM);
  llm(tracer, r, root, 2140000, 3040000, { prompt: 905, completion: 72, total: 977 });
  finish(root, r, 3100000, OK);
}

// Run 3: the tool fails, is retried, fails again; the error escapes the agent (root ERROR).
function run3(tracer) {
  const r = 3;
  const root = agentRoot(tracer, r, 0, 'conv-1003');
  llm(tracer, r, root, 9000, 1009000, { prompt: 801, completion: 60, total: 861 });
  tool(tracer, r, root, 1020000, 2020000, 'fetch_weather', 'call_1', UPSTREAM);
  tool(tracer, r, root, 2520000, 3520000, 'fetch_weather', 'call_2', UPSTREAM);
  recordError(root, r, 3525000, 'UpstreamError', UPSTREAM, true);
  finish(root, r, 3530000, { code: api.SpanStatusCode.ERROR, message: UPSTREAM });
}

// Run 4: a LangGraph-style graph (OpenInference only): graph nodes are CHAIN
// spans, LLM and tool calls happen inside them. The Anthropic-style LLM span
// reports llm.token_count.prompt WITHOUT its cache reads (total says so).
function run4(graphTracer) {
  const r = 4;
  const root = start(graphTracer, r, 'LangGraph', null, 0, INTERNAL, {
    'openinference.span.kind': 'CHAIN',
    'session.id': 'conv-1004',
    'input.value': '{"messages":[["user","What is 17% of 2380 EUR in USD?"]]}',
    'input.mime_type': 'application/json',
  });
  const node = (name, step, from) =>
    start(graphTracer, r, name, root, from, INTERNAL, {
      'openinference.span.kind': 'CHAIN',
      metadata: JSON.stringify({ langgraph_step: step, langgraph_node: name, thread_id: 'conv-1004' }),
    });
  const claude = (parent, from, to, tokens) => {
    const s = start(graphTracer, r, 'ChatAnthropic', parent, from, CLIENT, {
      'openinference.span.kind': 'LLM',
      'llm.system': 'anthropic',
      'llm.provider': 'anthropic',
      'llm.model_name': 'claude-sonnet-4-20250514',
      'llm.token_count.prompt': tokens.prompt,
      'llm.token_count.completion': tokens.completion,
      'llm.token_count.total': tokens.total,
      ...(tokens.cacheRead !== undefined ? { 'llm.token_count.prompt_details.cache_read': tokens.cacheRead } : {}),
    });
    finish(s, r, to, OK);
  };
  const oiTool = (parent, name, from, to) => {
    const s = start(graphTracer, r, name, parent, from, INTERNAL, {
      'openinference.span.kind': 'TOOL',
      'tool.name': name,
      'tool.parameters': '{"expression":"2380*0.17"}',
    });
    finish(s, r, to, OK);
  };
  const agent1 = node('agent', 1, 5000);
  claude(agent1, 6000, 1406000, { prompt: 476, completion: 200, total: 1700, cacheRead: 1024 });
  finish(agent1, r, 1410000, OK);
  const tools = node('tools', 2, 1415000);
  oiTool(tools, 'calculator', 1416000, 1418500);
  oiTool(tools, 'currency_converter', 1419000, 1719000);
  finish(tools, r, 1720000, OK);
  const agent2 = node('agent', 3, 1725000);
  claude(agent2, 1726000, 2926000, { prompt: 1800, completion: 90, total: 1890 });
  finish(agent2, r, 2930000, OK);
  finish(root, r, 2935000, OK);
}

// Run 5: GenAI names only, old and new mixed within one run: an LLM span with
// the old names (gen_ai.system, prompt/completion tokens), one with the new
// names (provider, input/output tokens, cache and reasoning details), and one
// that carries both, as an instrumentation in dual-emit mode does.
function run5(tracer) {
  const r = 5;
  const root = start(tracer, r, 'invoke_agent support_agent', null, 0, INTERNAL, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'support_agent',
    'gen_ai.agent.id': 'asst_5f2a',
    'gen_ai.conversation.id': 'conv-1005',
  });
  const chat = (from, to, attrs) => {
    const s = start(tracer, r, 'chat gpt-4o', root, from, CLIENT, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'server.address': 'api.openai.com',
      ...attrs,
    });
    finish(s, r, to);
  };
  chat(2000, 802000, { 'gen_ai.system': 'openai', 'gen_ai.usage.prompt_tokens': 300, 'gen_ai.usage.completion_tokens': 40 });
  const t = start(tracer, r, 'execute_tool lookup_order', root, 810000, INTERNAL, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'lookup_order',
    'gen_ai.tool.call.id': 'call_9',
  });
  finish(t, r, 1010000);
  chat(1020000, 1920000, {
    'gen_ai.provider.name': 'openai',
    'gen_ai.usage.input_tokens': 420,
    'gen_ai.usage.output_tokens': 60,
    'gen_ai.usage.cache_read.input_tokens': 256,
    'gen_ai.usage.reasoning.output_tokens': 12,
  });
  chat(1930000, 2430000, {
    'gen_ai.system': 'openai',
    'gen_ai.provider.name': 'openai',
    'gen_ai.usage.prompt_tokens': 500,
    'gen_ai.usage.input_tokens': 500,
    'gen_ai.usage.completion_tokens': 30,
    'gen_ai.usage.output_tokens': 30,
  });
  finish(root, r, 2450000);
}

// Run 6: retrieval-augmented generation (OpenInference kinds RETRIEVER,
// EMBEDDING, RERANKER, and a GenAI chat span without an OpenInference kind).
// The reranker hits a rate limit, retries inside the span and succeeds: a
// handled exception (event, exception.escaped=false, status UNSET).
function run6(tracer) {
  const r = 6;
  const root = start(tracer, r, 'rag_pipeline', null, 0, INTERNAL, {
    'openinference.span.kind': 'CHAIN',
    'session.id': 'conv-1006',
  });
  const retriever = start(tracer, r, 'retrieve_docs', root, 1000, INTERNAL, {
    'openinference.span.kind': 'RETRIEVER',
    'retrieval.documents.0.document.id': 'doc-17',
    'retrieval.documents.0.document.score': 0.82,
    'retrieval.documents.0.document.content': 'Umbrella policy: ...',
  });
  const embed = start(tracer, r, 'embed_query', retriever, 1500, CLIENT, {
    'openinference.span.kind': 'EMBEDDING',
    'embedding.model_name': 'text-embedding-3-small',
    'llm.token_count.prompt': 12,
    'llm.token_count.total': 12,
  });
  finish(embed, r, 61500);
  finish(retriever, r, 150000);
  const rerank = start(tracer, r, 'rerank', root, 151000, INTERNAL, {
    'openinference.span.kind': 'RERANKER',
    'reranker.model_name': 'rerank-english-v3.0',
    'reranker.top_k': 3,
  });
  rerank.recordException({ name: 'RateLimitError', message: 'HTTP 429 Too Many Requests, retrying in 200ms' }, at(r, 200000));
  rerank.events[0].attributes['exception.escaped'] = false;
  finish(rerank, r, 480000);
  const chat = start(tracer, r, 'chat gpt-4o-mini', root, 481000, CLIENT, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 2048,
    'gen_ai.usage.output_tokens': 256,
    'gen_ai.usage.cache_read.input_tokens': 1024,
    'gen_ai.response.finish_reasons': ['stop'],
  });
  finish(chat, r, 2281000);
  finish(root, r, 2290000, OK);
}

function serialize(spans) {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)).toString('utf8');
}

function main() {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node generate.js <output-dir>');
    process.exit(2);
  }
  fs.mkdirSync(out, { recursive: true });

  // Runs 1-4: one request, as one OTLP/HTTP export would carry them. The
  // agent runs and the graph run come from two instrumentation scopes.
  {
    const { provider, exporter } = makeProvider(0x5eed0001);
    const agent = provider.getTracer('weather-agent', '1.4.0');
    const graph = provider.getTracer('openinference.instrumentation.langchain', '0.1.45');
    run1(agent);
    run2(agent);
    run3(agent);
    run4(graph);
    fs.writeFileSync(path.join(out, 'agent_runs.json'), serialize(exporter.getFinishedSpans()) + '\n');
  }
  // Run 5: two export batches in JSON Lines (children first, then the rest).
  {
    const { provider, exporter } = makeProvider(0x5eed0005);
    run5(provider.getTracer('support-agent', '2.0.1'));
    const spans = exporter.getFinishedSpans();
    const lines = [serialize(spans.slice(0, 2)), serialize(spans.slice(2))];
    fs.writeFileSync(path.join(out, 'genai_old_new.jsonl'), lines.join('\n') + '\n');
  }
  // Run 6: gzip-compressed JSON Lines, one batch. mtime 0 in the gzip header
  // keeps the bytes stable.
  {
    const { provider, exporter } = makeProvider(0x5eed0006);
    run6(provider.getTracer('openinference.instrumentation.llama_index', '3.2.0'));
    const text = serialize(exporter.getFinishedSpans()) + '\n';
    fs.writeFileSync(path.join(out, 'rag_run.jsonl.gz'), zlib.gzipSync(Buffer.from(text), { level: 9 }));
  }
  console.log(`wrote OTLP/JSON fixtures to ${out}`);
}

main();
