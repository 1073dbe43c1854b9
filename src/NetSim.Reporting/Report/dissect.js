// NetSim run report: the frame dissector. Turns a frame's bytes into its layers, each with its
// fields and where they lie in the frame (start, length), as Wireshark's packet details do.
// Ethernet II (IEEE 802.3, 802.1Q), ARP (RFC 826), IPv4 (RFC 791), ICMP (RFC 792), UDP (RFC 768),
// TCP (RFC 9293, options of RFC 7323 and RFC 2018), DNS (RFC 1035), HTTP/1.1 (RFC 9112).
// A field past the bytes kept (the report's snap length) ends the layer with a note, never an error.
"use strict";

const NetSimDissect = (() => {
  const hex = (b, s, n) => Array.from(b.subarray(s, s + n), x => x.toString(16).padStart(2, "0")).join("");
  const u16 = (b, s) => (b[s] << 8) | b[s + 1];
  const u32 = (b, s) => ((b[s] << 24) >>> 0) + (b[s + 1] << 16) + (b[s + 2] << 8) + b[s + 3];
  const mac = (b, s) => Array.from(b.subarray(s, s + 6), x => x.toString(16).padStart(2, "0")).join(":");
  const ip = (b, s) => `${b[s]}.${b[s + 1]}.${b[s + 2]}.${b[s + 3]}`;
  const ascii = (b, s, n) => Array.from(b.subarray(s, s + n), x => (x >= 32 && x < 127 ? String.fromCharCode(x) : ".")).join("");

  class Layer {
    constructor(name, start) { this.name = name; this.start = start; this.length = 0; this.fields = []; this.summary = ""; }
    field(name, start, length, value) { this.fields.push({ name, start, length, value: String(value) }); this.length = Math.max(this.length, start + length - this.start); }
  }

  function need(bytes, end, layer) {
    if (end <= bytes.length) return true;
    layer.fields.push({ name: "(not kept)", start: bytes.length, length: 0, value: "the report keeps the first " + bytes.length + " bytes of this frame" });
    return false;
  }

  function ethernet(b, layers, wireLength) {
    const l = new Layer("Ethernet II", 0);
    layers.push(l);
    if (!need(b, 14, l)) return;
    l.field("Destination", 0, 6, mac(b, 0) + (b[0] === 0xff && b[1] === 0xff ? " (broadcast)" : ""));
    l.field("Source", 6, 6, mac(b, 6));
    let at = 12, type = u16(b, 12);
    if (type === 0x8100 && need(b, 18, l)) {
      l.field("802.1Q tag", 12, 4, `VLAN ${u16(b, 14) & 0xfff}, priority ${b[14] >> 5}`);
      at = 16; type = u16(b, 16);
    }
    const names = { 0x0800: "IPv4", 0x0806: "ARP", 0x86dd: "IPv6" };
    l.field("Type", at, 2, `0x${type.toString(16).padStart(4, "0")}` + (names[type] ? ` (${names[type]})` : ""));
    l.summary = `${mac(b, 6)} → ${mac(b, 0)}, ${wireLength} bytes`;
    if (type === 0x0806) arp(b, at + 2, layers);
    else if (type === 0x0800) ipv4(b, at + 2, layers);
  }

  function arp(b, s, layers) {
    const l = new Layer("ARP", s);
    layers.push(l);
    if (!need(b, s + 28, l)) return;
    const op = u16(b, s + 6);
    l.field("Hardware type", s, 2, u16(b, s) === 1 ? "Ethernet (1)" : u16(b, s));
    l.field("Protocol type", s + 2, 2, "0x" + hex(b, s + 2, 2));
    l.field("Hardware size", s + 4, 1, b[s + 4]);
    l.field("Protocol size", s + 5, 1, b[s + 5]);
    l.field("Opcode", s + 6, 2, op === 1 ? "request (1)" : op === 2 ? "reply (2)" : op);
    l.field("Sender MAC", s + 8, 6, mac(b, s + 8));
    l.field("Sender IP", s + 14, 4, ip(b, s + 14));
    l.field("Target MAC", s + 18, 6, mac(b, s + 18));
    l.field("Target IP", s + 24, 4, ip(b, s + 24));
    l.summary = op === 1 ? `Who has ${ip(b, s + 24)}? Tell ${ip(b, s + 14)}` : `${ip(b, s + 14)} is at ${mac(b, s + 8)}`;
  }

  function ipv4(b, s, layers) {
    const l = new Layer("IPv4", s);
    layers.push(l);
    if (!need(b, s + 20, l)) return;
    const ihl = (b[s] & 15) * 4, total = u16(b, s + 2), proto = b[s + 9], flags = u16(b, s + 6);
    const ecn = ["Not-ECT", "ECT(1)", "ECT(0)", "CE"][b[s + 1] & 3];
    l.field("Version", s, 1, b[s] >> 4);
    l.field("Header length", s, 1, ihl + " bytes");
    l.field("DSCP and ECN", s + 1, 1, `DSCP ${b[s + 1] >> 2}, ECN ${ecn}`);
    l.field("Total length", s + 2, 2, total);
    l.field("Identification", s + 4, 2, `0x${hex(b, s + 4, 2)} (${u16(b, s + 4)})`);
    l.field("Flags", s + 6, 2, [flags & 0x4000 ? "DF" : "", flags & 0x2000 ? "MF" : ""].filter(x => x).join(", ") || "none");
    l.field("Fragment offset", s + 6, 2, (flags & 0x1fff) * 8);
    l.field("TTL", s + 8, 1, b[s + 8]);
    const names = { 1: "ICMP", 6: "TCP", 17: "UDP" };
    l.field("Protocol", s + 9, 1, (names[proto] || "other") + ` (${proto})`);
    l.field("Header checksum", s + 10, 2, "0x" + hex(b, s + 10, 2));
    l.field("Source", s + 12, 4, ip(b, s + 12));
    l.field("Destination", s + 16, 4, ip(b, s + 16));
    if (ihl > 20 && need(b, s + ihl, l)) l.field("Options", s + 20, ihl - 20, hex(b, s + 20, ihl - 20));
    l.summary = `${ip(b, s + 12)} → ${ip(b, s + 16)}, TTL ${b[s + 8]}`;
    if ((flags & 0x1fff) !== 0) return; // a later fragment: no transport header in it
    const p = s + ihl, end = Math.min(s + total, b.length);
    if (proto === 1) icmp(b, p, end, layers);
    else if (proto === 17) udp(b, p, end, layers);
    else if (proto === 6) tcp(b, p, s + total, end, layers);
  }

  function icmp(b, s, end, layers) {
    const l = new Layer("ICMP", s);
    layers.push(l);
    if (!need(b, s + 8, l)) return;
    const type = b[s], code = b[s + 1];
    const types = { 0: "echo reply", 3: "destination unreachable", 8: "echo request", 11: "time exceeded" };
    l.field("Type", s, 1, `${type} (${types[type] || "other"})`);
    l.field("Code", s + 1, 1, code);
    l.field("Checksum", s + 2, 2, "0x" + hex(b, s + 2, 2));
    if (type === 0 || type === 8) {
      l.field("Identifier", s + 4, 2, u16(b, s + 4));
      l.field("Sequence number", s + 6, 2, u16(b, s + 6));
      if (end > s + 8) l.field("Data", s + 8, end - s - 8, (end - s - 8) + " bytes");
      l.summary = `${types[type]}, id ${u16(b, s + 4)}, seq ${u16(b, s + 6)}`;
    } else {
      if (end > s + 8) l.field("Original datagram", s + 8, end - s - 8, (end - s - 8) + " bytes (its IPv4 header and 8 bytes more)");
      l.summary = `${types[type] || "type " + type}, code ${code}`;
    }
  }

  function udp(b, s, end, layers) {
    const l = new Layer("UDP", s);
    layers.push(l);
    if (!need(b, s + 8, l)) return;
    const sp = u16(b, s), dp = u16(b, s + 2);
    l.field("Source port", s, 2, sp);
    l.field("Destination port", s + 2, 2, dp);
    l.field("Length", s + 4, 2, u16(b, s + 4));
    l.field("Checksum", s + 6, 2, "0x" + hex(b, s + 6, 2));
    l.summary = `${sp} → ${dp}, ${u16(b, s + 4) - 8} bytes of data`;
    if ((sp === 53 || dp === 53) && end > s + 8) dns(b, s + 8, end, layers);
  }

  function tcp(b, s, segmentEnd, end, layers) {
    const l = new Layer("TCP", s);
    layers.push(l);
    if (!need(b, s + 20, l)) return;
    const sp = u16(b, s), dp = u16(b, s + 2), off = (b[s + 12] >> 4) * 4, f = b[s + 13];
    const flagNames = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"].filter((_, i) => f & (1 << i));
    const dataLength = Math.max(0, segmentEnd - s - off);
    l.field("Source port", s, 2, sp);
    l.field("Destination port", s + 2, 2, dp);
    l.field("Sequence number", s + 4, 4, u32(b, s + 4));
    l.field("Acknowledgment number", s + 8, 4, u32(b, s + 8));
    l.field("Header length", s + 12, 1, off + " bytes");
    l.field("Flags", s + 13, 1, flagNames.join(", ") || "none");
    l.field("Window", s + 14, 2, u16(b, s + 14));
    l.field("Checksum", s + 16, 2, "0x" + hex(b, s + 16, 2));
    l.field("Urgent pointer", s + 18, 2, u16(b, s + 18));
    if (off > 20 && need(b, s + off, l)) tcpOptions(b, s + 20, s + off, l);
    l.summary = `${sp} → ${dp} [${flagNames.join(", ")}] seq ${u32(b, s + 4)}` + (f & 16 ? ` ack ${u32(b, s + 8)}` : "") + `, ${dataLength} bytes of data`;
    const data = s + off;
    if (dataLength > 0 && (sp === 80 || dp === 80) && data < end) http(b, data, end, layers);
    else if (dataLength > 0 && data < end) {
      const d = new Layer("Data", data);
      layers.push(d);
      d.field("Data", data, Math.min(dataLength, end - data), dataLength + " bytes");
      d.summary = dataLength + " bytes";
    }
  }

  function tcpOptions(b, s, end, l) {
    let at = s;
    while (at < end) {
      const kind = b[at];
      if (kind === 0) { l.field("Option: end of list", at, 1, ""); break; }
      if (kind === 1) { l.field("Option: no-operation", at, 1, ""); at++; continue; }
      const len = b[at + 1];
      if (len < 2 || at + len > end) { l.field("Option (malformed)", at, end - at, hex(b, at, end - at)); break; }
      if (kind === 2 && len === 4) l.field("Option: maximum segment size", at, len, u16(b, at + 2) + " bytes");
      else if (kind === 3 && len === 3) l.field("Option: window scale", at, len, `shift ${b[at + 2]} (multiply by ${1 << Math.min(b[at + 2], 14)})`);
      else if (kind === 4 && len === 2) l.field("Option: SACK permitted", at, len, "");
      else if (kind === 8 && len === 10) l.field("Option: timestamps", at, len, `TSval ${u32(b, at + 2)}, TSecr ${u32(b, at + 6)}`);
      else if (kind === 5 && (len - 2) % 8 === 0) {
        const blocks = [];
        for (let i = at + 2; i < at + len; i += 8) blocks.push(`${u32(b, i)}-${u32(b, i + 4)}`);
        l.field("Option: SACK", at, len, blocks.join(", "));
      } else l.field(`Option: kind ${kind}`, at, len, hex(b, at + 2, len - 2));
      at += len;
    }
  }

  function dnsName(b, s, base) {
    const labels = [];
    let at = s, end = -1, jumps = 0;
    while (at < b.length && jumps < 16) {
      const n = b[at];
      if (n === 0) { at++; break; }
      if ((n & 0xc0) === 0xc0) { if (end < 0) end = at + 2; at = base + (((n & 0x3f) << 8) | b[at + 1]); jumps++; continue; }
      labels.push(ascii(b, at + 1, n));
      at += 1 + n;
    }
    return { name: labels.join(".") || ".", end: end >= 0 ? end : at };
  }

  function dns(b, s, end, layers) {
    const l = new Layer("DNS", s);
    layers.push(l);
    if (!need(b, s + 12, l)) return;
    const flags = u16(b, s + 2), qd = u16(b, s + 4), an = u16(b, s + 6);
    const rcodes = ["NoError", "FormErr", "ServFail", "NXDomain", "NotImp", "Refused"];
    l.field("Transaction ID", s, 2, "0x" + hex(b, s, 2));
    l.field("Flags", s + 2, 2, (flags & 0x8000 ? "response" : "query") + (flags & 0x100 ? ", recursion desired" : "") + (flags & 0x8000 ? `, ${rcodes[flags & 15] || flags & 15}` : ""));
    l.field("Questions", s + 4, 2, qd);
    l.field("Answers", s + 6, 2, an);
    l.field("Authority records", s + 8, 2, u16(b, s + 8));
    l.field("Additional records", s + 10, 2, u16(b, s + 10));
    const types = { 1: "A", 5: "CNAME", 28: "AAAA", 2: "NS", 15: "MX", 16: "TXT" };
    let at = s + 12, asked = "", answers = [];
    for (let i = 0; i < qd && at < end; i++) {
      const n = dnsName(b, at, s);
      if (!need(b, n.end + 4, l)) return;
      l.field("Question", at, n.end + 4 - at, `${n.name} ${types[u16(b, n.end)] || u16(b, n.end)}`);
      asked = n.name;
      at = n.end + 4;
    }
    for (let i = 0; i < an && at < end; i++) {
      const n = dnsName(b, at, s);
      if (!need(b, n.end + 10, l)) return;
      const type = u16(b, n.end), ttl = u32(b, n.end + 4), rdlength = u16(b, n.end + 8), rdata = n.end + 10;
      if (!need(b, rdata + rdlength, l)) return;
      const value = type === 1 && rdlength === 4 ? ip(b, rdata) : type === 5 ? dnsName(b, rdata, s).name : hex(b, rdata, rdlength);
      l.field("Answer", at, rdata + rdlength - at, `${n.name} ${types[type] || type} ${value} (TTL ${ttl} s)`);
      answers.push(value);
      at = rdata + rdlength;
    }
    l.summary = flags & 0x8000 ? `answer: ${asked} is ${answers.join(", ") || "(none)"}` : `query: ${asked}?`;
  }

  function http(b, s, end, layers) {
    const l = new Layer("HTTP", s);
    layers.push(l);
    let at = s, first = "";
    while (at < end) {
      let eol = at;
      while (eol + 1 < end && !(b[eol] === 13 && b[eol + 1] === 10)) eol++;
      if (eol + 1 >= end) { l.field("(continues)", at, end - at, ascii(b, at, Math.min(60, end - at))); break; }
      const line = ascii(b, at, eol - at);
      if (line === "") { l.field("End of headers", at, 2, ""); at = eol + 2; break; }
      if (!first) { first = line; l.field(line.startsWith("HTTP/") ? "Status line" : "Request line", at, eol - at + 2, line); }
      else { const c = line.indexOf(":"); l.field(c > 0 ? line.slice(0, c) : "Header", at, eol - at + 2, c > 0 ? line.slice(c + 1).trim() : line); }
      at = eol + 2;
    }
    if (at < end) l.field("Body", at, end - at, ascii(b, at, Math.min(80, end - at)) + (end - at > 80 ? "…" : ""));
    l.summary = first || "continuation";
  }

  /** The layers of a frame: [{name, start, length, summary, fields: [{name, start, length, value}]}]. */
  function dissect(bytes, wireLength) {
    const layers = [];
    try { ethernet(bytes, layers, wireLength); } catch (e) { layers.push({ name: "(could not decode)", start: 0, length: 0, summary: String(e), fields: [] }); }
    return layers;
  }

  return { dissect };
})();
