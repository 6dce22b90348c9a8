// nginx parse throughput (MB/s) and memory on a generated 100,000-line configuration.
// Run: npx tsx test/bench/nginx.bench.ts
import { parseNginx } from '../../server/src/dialects/nginx/parse';
import { lex } from '../../server/src/dialects/nginx/lexer';
import { measureThroughput } from './stats';

/** A reverse-proxy configuration with one server per tenant, each with an allow-listed EWS location. */
function generate(lines: number): string {
  const out: string[] = ['http {', '    resolver 10.0.0.53 valid=30s;'];
  let n = 0;
  while (out.length < lines - 1) {
    const a = n % 250;
    const b = Math.floor(n / 250) % 250;
    out.push(
      '    server {',
      `        listen 10.${b}.${a}.1:443 ssl;`,
      `        server_name tenant${n}.contoso.com .tenant${n}.example.net;`,
      '        location /EWS/ {',
      '            allow 40.96.0.0/13;',
      '            allow 52.96.0.0/14;',
      `            allow 2603:10${a % 10}6::/40;`,
      `            allow 10.${b}.${a}.0/24;  # site ${n}`,
      '            deny all;',
      `            proxy_pass https://10.${b}.${a}.25;`,
      '        }',
      '        location / { return 404; }',
      '    }',
    );
    n++;
  }
  out.push('}');
  return out.join('\n') + '\n';
}

const text = generate(100_000);
console.log(`nginx: ${text.split('\n').length - 1} lines`);
measureThroughput('lex', text, lex);
measureThroughput('parse', text, (t) => parseNginx(t).model);
const model = parseNginx(text).model;
console.log(`parse  ${model.references.length} references, ${model.ruleLists.length} rule lists, ${model.problems.length} problems`);
console.log(`rss    ${(process.memoryUsage().rss / (1024 * 1024)).toFixed(0)} MB`);
