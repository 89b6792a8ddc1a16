//! The `rpc.discover` document of the real tickets server, validated against the official OpenRPC
//! meta-schema (node, `discovery/validate.mjs`).
//!
//! Needs `node`/`npm`: built only with the `node-tests` feature
//! (`cargo test -p tickets --features node-tests --test meta_schema`); `scripts/ci-deps.sh`
//! installs them. With the feature on and the tools missing it fails, saying what is missing: it
//! never skips.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::tools::{run, text, workspace_root};
use support::{TicketsServer, discover};

#[tokio::test]
async fn the_document_validates_against_the_openrpc_meta_schema() {
    let server = TicketsServer::start(&[]);
    let readonly_key = server.create_key(&["--role", "readonly"]);
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    for (who, key) in [("owner", server.owner.clone()), ("readonly", readonly_key)] {
        let doc = discover(&server, &key).await;
        let path = dir.path().join(format!("{who}.json"));
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        docs.push(path);
    }
    let discovery = workspace_root().join("discovery");
    if !discovery.join("node_modules").exists() {
        let npm = run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&discovery),
            Duration::from_secs(300),
            "npm (install Node.js and npm: scripts/ci-deps.sh)",
        );
        assert!(npm.status.success(), "npm ci failed: {}", text(&npm));
    }
    let validate = |doc: &Path| {
        run(
            Command::new("node")
                .arg("validate.mjs")
                .arg(doc)
                .current_dir(&discovery),
            Duration::from_secs(60),
            "node (install Node.js: scripts/ci-deps.sh)",
        )
    };
    for doc in docs {
        let node = validate(&doc);
        assert!(
            node.status.success(),
            "{} is not a valid OpenRPC document:\n{}",
            doc.display(),
            text(&node)
        );
        println!("{}", String::from_utf8_lossy(&node.stdout).trim());
    }
    // The validator does reject a broken document: the check has teeth.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"openrpc":"1.3.2","info":{"title":"x"},"methods":[{"name":""}]}"#,
    )
    .unwrap();
    let node = validate(&broken);
    assert!(!node.status.success(), "{}", text(&node));
}
