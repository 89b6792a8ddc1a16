// Validates an OpenRPC document against the official meta-schema, offline.
//
//   node validate.mjs DOC.json
//
// The OpenRPC meta-schema (@open-rpc/meta-schema) refers to JSON Schema's meta-schema as
// `https://meta.json-schema.tools`, which is the @json-schema-tools/meta-schema package: it is
// registered under that address (with and without the trailing slash, since the meta-schema
// uses both), so nothing is fetched. Ajv (draft-07, the draft both meta-schemas follow) checks
// every keyword, with ajv-formats for `uri` and the like. Exits 0 when the document is valid,
// 1 with every error listed when it is not, 2 on bad usage.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import Ajv from "ajv";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const openrpcMeta = require("@open-rpc/meta-schema").default;
const jsonSchemaMeta = require("@json-schema-tools/meta-schema").default;

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs DOC.json");
  process.exit(2);
}
const doc = JSON.parse(readFileSync(path, "utf8"));

// The meta-schemas declare `$schema: https://meta.json-schema.tools/`, a meta-schema Ajv does
// not ship, so Ajv does not validate the meta-schemas themselves (`validateSchema: false`); it
// validates the document against them. Unknown keywords are still errors in the document,
// through the meta-schemas' own `additionalProperties: false`.
const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
addFormats(ajv);
ajv.addSchema(jsonSchemaMeta);
ajv.addSchema({ ...jsonSchemaMeta, $id: "https://meta.json-schema.tools" });
const validate = ajv.compile(openrpcMeta);

// The meta-schema does not follow references: check that each one points into the document.
const dangling = [];
(function walk(value, at) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${at}/${i}`));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") {
        const name = item.startsWith("#/components/schemas/") && item.slice(21);
        if (!name || !(doc.components?.schemas && name in doc.components.schemas)) {
          dangling.push(`${at}: $ref ${item} points nowhere in the document`);
        }
      } else {
        walk(item, `${at}/${key}`);
      }
    }
  }
})(doc, "");

if (validate(doc) && dangling.length === 0) {
  console.log(
    `valid: ${path} is an OpenRPC ${doc.openrpc} document with ${doc.methods.length} methods ` +
      `(@open-rpc/meta-schema ${require("@open-rpc/meta-schema/package.json").version})`,
  );
} else {
  console.error(`invalid: ${path}`);
  dangling.forEach((line) => console.error(`  ${line}`));
  for (const error of validate.errors ?? []) {
    console.error(`  ${error.instancePath || "/"}: ${error.message} ${JSON.stringify(error.params)}`);
  }
  process.exit(1);
}
