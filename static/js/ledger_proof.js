/* Checks a ledger entry's inclusion proof in the browser (RFC 9162 §2.1.3.2, DESIGN.md §8).
 * For each [data-ledger-proof] block: fetch the proof, rebuild the entry's canonical form from
 * its fields, check its chain hash, hash it as a Merkle leaf, walk the audit path, and compare
 * the result with the root printed on the page (the signed head's root). Web Crypto only. */
(function () {
  "use strict";
  var enc = new TextEncoder();

  function hex(buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function unhex(s) {
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  }
  function sha256(bytes) { return crypto.subtle.digest("SHA-256", bytes); }
  function concat(prefix, a, b) {
    var out = new Uint8Array(1 + a.length + (b ? b.length : 0));
    out[0] = prefix; out.set(a, 1); if (b) out.set(b, 1 + a.length);
    return out;
  }
  function canonical(e) {
    var nfc = function (s) { return String(s).normalize("NFC"); };
    // Keys in sorted order; JSON.stringify keeps insertion order and does not escape non-ASCII.
    return JSON.stringify({
      amount: e.amount, asset: nfc(e.asset), at: e.at, destination: nfc(e.destination),
      kind: nfc(e.kind), ref: nfc(e.ref), seq: e.seq, source: nfc(e.source)
    });
  }
  async function rootFromPath(index, size, leaf, path) {
    if (index >= size) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < path.length; i++) {
      var p = unhex(path[i]);
      if (sn === 0) return null;
      if ((fn & 1) || fn === sn) {
        r = new Uint8Array(await sha256(concat(1, p, r)));
        if (!(fn & 1)) { while (fn && !(fn & 1)) { fn >>= 1; sn >>= 1; } }
      } else {
        r = new Uint8Array(await sha256(concat(1, r, p)));
      }
      fn >>= 1; sn >>= 1;
    }
    return sn === 0 ? hex(r) : null;
  }
  async function check(box) {
    var status = box.querySelector("[data-proof-status]");
    var say = function (kind) {
      var t = box.querySelector('template[data-msg="' + kind + '"]');
      status.textContent = t ? t.content.textContent.trim() : kind;
      box.setAttribute("data-verified", kind);
      status.className = "proof-status flash " + (kind === "ok" ? "flash-success" : "flash-error");
    };
    try {
      var res = await fetch(box.getAttribute("data-proof-url"), { headers: { Accept: "application/json" } });
      if (!res.ok) throw new Error(res.status);
      var proof = await res.json();
      var body = canonical(proof.entry);
      var chain = hex(await sha256(enc.encode(proof.entry.prev_hash + body)));
      var leaf = new Uint8Array(await sha256(concat(0, enc.encode(body))));
      var root = await rootFromPath(proof.leaf_index, proof.tree_size, leaf, proof.audit_path);
      var ok = chain === proof.entry.hash && proof.entry.seq === Number(box.getAttribute("data-seq")) &&
        proof.tree_size === Number(box.getAttribute("data-tree-size")) &&
        root !== null && root === box.getAttribute("data-root");
      say(ok ? "ok" : "fail");
    } catch (err) {
      say("error");
    }
  }
  function start() {
    if (!window.crypto || !crypto.subtle) return;
    document.querySelectorAll("[data-ledger-proof]").forEach(check);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
