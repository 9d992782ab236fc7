// Runs the statements of bench/seed_duckdb.sql with DuckDB's Node API (@duckdb/node-api) and
// writes each result as CSV.
//
// Usage: node bench/run_duckdb.mjs --input FILE --now TIME [--statements seed,beaconing] [-o FILE]
// The package is loaded from $UNMASK_BENCH_TOOLS (default build/bench-tools), where
// `npm install --prefix build/bench-tools @duckdb/node-api` puts it.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const toolsDir = resolve(process.env.UNMASK_BENCH_TOOLS ?? join(benchDir, '..', 'build', 'bench-tools'));

function parseArguments(argv) {
    const options = { statements: ['seed'], output: '-' };
    for (let i = 0; i < argv.length; i++) {
        const name = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) {
                throw new Error(`missing value for ${name}`);
            }
            return argv[++i];
        };
        if (name === '--input') options.input = value();
        else if (name === '--now') options.now = value();
        else if (name === '--statements') options.statements = value().split(',');
        else if (name === '-o') options.output = value();
        else throw new Error(`unknown option '${name}' (expected --input, --now, --statements or -o)`);
    }
    if (!options.input || !options.now) {
        throw new Error('--input FILE and --now TIME are required');
    }
    return options;
}

// Splits the SQL file at its "-- statement: NAME" lines.
function readStatements(path) {
    const statements = new Map();
    let name = null;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
        const match = /^-- statement: (\w+)/.exec(line);
        if (match) {
            name = match[1];
            statements.set(name, '');
        } else if (name !== null) {
            statements.set(name, statements.get(name) + line + '\n');
        }
    }
    return statements;
}

function csvField(value) {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function quoteLiteral(text) {
    return `'${text.replaceAll("'", "''")}'`;
}

async function main() {
    const options = parseArguments(process.argv.slice(2));
    let duckdb;
    try {
        const require = createRequire(join(toolsDir, 'package.json'));
        duckdb = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
    } catch (error) {
        console.error(`run_duckdb: @duckdb/node-api not found under ${toolsDir} (${error.message}). ` +
                      'Install it with: npm install --prefix build/bench-tools @duckdb/node-api@1.5.6-r.1');
        process.exit(3);
    }
    const statements = readStatements(join(benchDir, 'seed_duckdb.sql'));
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // KQL datetimes are UTC, so the text form "...Z" is cast to a TIMESTAMP without a zone.
    const now = options.now.replace(/Z$/, '');
    await connection.run(`SET VARIABLE input = ${quoteLiteral(options.input)}`);
    await connection.run(`SET VARIABLE now = CAST(${quoteLiteral(now)} AS TIMESTAMP)`);
    await connection.run(statements.get('setup'));

    const version = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjects()[0].v;
    let text = '';
    for (const name of options.statements) {
        const sql = statements.get(name);
        if (sql === undefined) {
            throw new Error(`no statement named '${name}' in seed_duckdb.sql`);
        }
        const started = process.hrtime.bigint();
        const reader = await connection.runAndReadAll(sql);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const columns = reader.columnNames();
        text += columns.join(',') + '\r\n';
        for (const row of reader.getRowsJson()) {
            text += row.map(csvField).join(',') + '\r\n';
        }
        console.error(`duckdb ${version} statement=${name} rows=${reader.currentRowCount} ` +
                      `seconds=${seconds.toFixed(3)}`);
    }
    if (options.output === '-') process.stdout.write(text);
    else writeFileSync(options.output, text);
}

main().catch((error) => {
    console.error(`run_duckdb: ${error.message}`);
    process.exit(1);
});
