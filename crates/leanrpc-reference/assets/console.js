// The "try it" console: builds a JSON-RPC request from the chosen method and the edited
// params, sends it to this server's endpoint (POST, or GET with base64 params) with the key
// typed here, and shows the answer. The key is kept in this tab's sessionStorage only and is
// sent nowhere but the endpoint. Without JavaScript the console stays hidden and the page is
// the plain reference.
(function () {
  "use strict";
  var box = document.getElementById("try");
  if (!box || !window.fetch || !window.TextEncoder) {
    return;
  }
  var endpoint = box.getAttribute("data-endpoint");
  var byId = function (id) {
    return document.getElementById(id);
  };
  var method = byId("try-method");
  var params = byId("try-params");
  var key = byId("try-key");
  var verb = byId("try-verb");
  var status = byId("try-status");
  var answer = byId("try-answer");
  var batchView = byId("try-batch");
  var sendBatch = byId("try-send-batch");
  var KEY_STORE = "leanrpc.apiKey";
  var examples = {};
  var batch = [];
  var nextId = 1;

  var entries = document.querySelectorAll("article.method[data-params]");
  for (var i = 0; i < entries.length; i++) {
    var name = entries[i].id;
    examples[name] = entries[i].getAttribute("data-params");
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    method.appendChild(option);
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  }

  function choose(name) {
    method.value = name;
    params.value = pretty(examples[name] || "{}");
  }

  function show(line, text) {
    status.textContent = line;
    answer.textContent = text;
  }

  // The request for the chosen method and params, or null (and why) when params is not JSON.
  function request() {
    var text = params.value.trim();
    var body = { jsonrpc: "2.0", method: method.value };
    if (text !== "") {
      try {
        body.params = JSON.parse(text);
      } catch (e) {
        show("not sent", "params is not valid JSON: " + e.message);
        return null;
      }
    }
    body.id = nextId++;
    return body;
  }

  function headers(json) {
    var out = {};
    if (json) {
      out["content-type"] = "application/json";
    }
    if (key && key.value.trim() !== "") {
      out["x-api-key"] = key.value.trim();
    }
    return out;
  }

  // Base64 of the UTF-8 bytes of text, as the server decodes GET params.
  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary);
  }

  function send(body, byGet) {
    var url = endpoint;
    var init = { credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" };
    if (byGet) {
      var query = "method=" + encodeURIComponent(body.method) + "&jsonrpc=2.0&id=" + body.id;
      if (body.params !== undefined) {
        query += "&params=" + encodeURIComponent(base64(JSON.stringify(body.params)));
      }
      url += "?" + query;
      init.method = "GET";
      init.headers = headers(false);
    } else {
      init.method = "POST";
      init.headers = headers(true);
      init.body = JSON.stringify(body);
    }
    show("sending " + init.method + " …", "");
    fetch(url, init).then(
      function (response) {
        return response.text().then(function (text) {
          var id = response.headers.get("x-request-id");
          show(
            init.method + " · HTTP " + response.status + (id ? " · request id " + id : ""),
            text === "" ? "(empty answer: notifications are not answered)" : pretty(text)
          );
        });
      },
      function (error) {
        show("failed", String(error));
      }
    );
  }

  function showBatch() {
    sendBatch.disabled = batch.length === 0;
    sendBatch.textContent = "Send batch (" + batch.length + ")";
    batchView.hidden = batch.length === 0;
    batchView.textContent = JSON.stringify(batch, null, 2);
  }

  method.addEventListener("change", function () {
    choose(method.value);
  });
  byId("try-send").addEventListener("click", function () {
    var body = request();
    if (body) {
      send(body, verb.value === "GET");
    }
  });
  byId("try-add").addEventListener("click", function () {
    var body = request();
    if (body) {
      batch.push(body);
      showBatch();
    }
  });
  sendBatch.addEventListener("click", function () {
    if (batch.length > 0) {
      send(batch, false);
    }
  });
  byId("try-clear").addEventListener("click", function () {
    batch = [];
    showBatch();
  });
  if (key) {
    try {
      key.value = window.sessionStorage.getItem(KEY_STORE) || "";
      key.addEventListener("input", function () {
        window.sessionStorage.setItem(KEY_STORE, key.value);
      });
    } catch (e) {
      // Storage refused (private mode): the key lives in the field only.
    }
  }

  var wanted = decodeURIComponent(window.location.hash.slice(1));
  choose(examples[wanted] !== undefined ? wanted : entries.length > 0 ? entries[0].id : "");
  showBatch();
  box.hidden = false;
})();
