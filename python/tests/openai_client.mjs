// The official OpenAI Node client (npm `openai`, v4) against `rnngen serve`: completions.create
// without and with stream: true. Prints {"text": ..., "streamed": ...} for the pytest caller.
// Usage: node openai_client.mjs BASE_URL MODEL PROMPT MAX_TOKENS SEED
import OpenAI from "openai";

const [baseURL, model, prompt, maxTokens, seed] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "unused" });
const params = { model, prompt, max_tokens: Number(maxTokens), seed: Number(seed), temperature: 0.8 };

const plain = await client.completions.create(params);
let streamed = "";
const stream = await client.completions.create({ ...params, stream: true });
for await (const chunk of stream) streamed += chunk.choices[0]?.text ?? "";
let error = null;
try {
  await client.completions.create({ ...params, max_tokens: -1 });
} catch (e) {
  error = { status: e.status, param: e.param ?? e.error?.param ?? null };
}
console.log(JSON.stringify({ text: plain.choices[0].text, usage: plain.usage, streamed, error }));
