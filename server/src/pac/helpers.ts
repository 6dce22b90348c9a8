/**
 * The standard PAC helper functions (Netscape's set plus Microsoft's IPv6 `…Ex` extensions) as
 * JavaScript source. This text is evaluated INSIDE the QuickJS sandbox, never in the Node process:
 * it is a function expression the sandbox calls with the run's settings, and it installs the
 * helpers as globals of the PAC program's context.
 *
 * DNS is answered only from `settings.hostAddresses` (a table, no real lookups) and `myIpAddress`
 * from `settings.clientAddress`, so a run is reproducible and never touches the network.
 * `__endpointLensReturn` is what instrumented `return` statements call to record which one ran.
 */
export const PAC_HELPERS_SOURCE = String.raw`(function (settings) {
  'use strict';
  var global = (function () { return this; })() || globalThis;
  var table = {};
  Object.keys(settings.hostAddresses).forEach(function (name) {
    var value = String(settings.hostAddresses[name]);
    // One table entry may list several addresses; the order written is the order resolvers return.
    table[name.toLowerCase()] = value.split(/[\s,;]+/).filter(function (a) { return a.length > 0; });
  });
  var clientAddresses = String(settings.clientAddress).split(/[\s,;]+/).filter(function (a) { return a.length > 0; });

  function parseIpv4(text) {
    if (typeof text !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return null;
    var parts = text.split('.');
    var value = 0;
    for (var i = 0; i < 4; i++) {
      var n = Number(parts[i]);
      if (n > 255) return null;
      value = value * 256 + n;
    }
    return value;
  }

  // Eight 16-bit groups, or null. Accepts "::" compression and a trailing dotted quad.
  function parseIpv6(text) {
    if (typeof text !== 'string' || text.length > 45 || text.indexOf(':') < 0 || !/^[0-9A-Fa-f:.]+$/.test(text)) return null;
    var groups = [];
    var halves = text.split('::');
    if (halves.length > 2) return null;
    function expand(part) {
      if (part === '') return [];
      var out = [];
      var pieces = part.split(':');
      for (var i = 0; i < pieces.length; i++) {
        var piece = pieces[i];
        if (i === pieces.length - 1 && piece.indexOf('.') >= 0) {
          var v4 = parseIpv4(piece);
          if (v4 === null) return null;
          out.push(Math.floor(v4 / 65536), v4 % 65536);
        } else {
          if (!/^[0-9A-Fa-f]{1,4}$/.test(piece)) return null;
          out.push(parseInt(piece, 16));
        }
      }
      return out;
    }
    var head = expand(halves[0]);
    var tail = halves.length === 2 ? expand(halves[1]) : [];
    if (head === null || tail === null) return null;
    if (halves.length === 2) {
      var missing = 8 - head.length - tail.length;
      if (missing < 1) return null;
      groups = head.concat(new Array(missing).fill(0), tail);
    } else {
      groups = head;
    }
    return groups.length === 8 ? groups : null;
  }

  function isIpv4Text(text) { return parseIpv4(text) !== null; }
  function isIpText(text) { return parseIpv4(text) !== null || parseIpv6(text) !== null; }

  function lookup(host) {
    if (typeof host !== 'string') return [];
    if (isIpText(host)) return [host];
    var found = table[host.toLowerCase()];
    return found ? found.slice() : [];
  }

  // Iterative wildcard match (* any run, ? one character): linear in practice and, unlike a
  // generated regular expression, never backtracks exponentially on hostile patterns.
  function globMatch(text, pattern) {
    var t = 0, p = 0, star = -1, mark = 0;
    while (t < text.length) {
      if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) { t++; p++; }
      else if (p < pattern.length && pattern[p] === '*') { star = p++; mark = t; }
      else if (star >= 0) { p = star + 1; t = ++mark; }
      else return false;
    }
    while (p < pattern.length && pattern[p] === '*') p++;
    return p === pattern.length;
  }

  function isPlainHostName(host) { return String(host).indexOf('.') < 0; }
  function dnsDomainIs(host, domain) {
    host = String(host); domain = String(domain);
    return host.length >= domain.length && host.substring(host.length - domain.length) === domain;
  }
  function localHostOrDomainIs(host, hostdom) {
    host = String(host); hostdom = String(hostdom);
    if (host === hostdom) return true;
    return host.indexOf('.') < 0 && hostdom.lastIndexOf(host + '.', 0) === 0;
  }
  function dnsResolve(host) {
    var all = lookup(host);
    for (var i = 0; i < all.length; i++) if (isIpv4Text(all[i])) return all[i];
    return null;
  }
  function dnsResolveEx(host) { return lookup(host).join(';'); }
  function isResolvable(host) { return dnsResolve(host) !== null; }
  function isResolvableEx(host) { return lookup(host).length > 0; }
  function convert_addr(ipchars) {
    var bytes = String(ipchars).split('.');
    return (((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff)) >>> 0;
  }
  function isInNet(ipaddr, pattern, maskstr) {
    var address = isIpv4Text(ipaddr) ? ipaddr : dnsResolve(ipaddr);
    if (address === null || !isIpv4Text(pattern) || !isIpv4Text(maskstr)) return false;
    var mask = convert_addr(maskstr);
    return ((convert_addr(address) & mask) >>> 0) === ((convert_addr(pattern) & mask) >>> 0);
  }
  function myIpAddress() {
    for (var i = 0; i < clientAddresses.length; i++) if (isIpv4Text(clientAddresses[i])) return clientAddresses[i];
    return '127.0.0.1';
  }
  function myIpAddressEx() { return clientAddresses.join(';'); }
  function dnsDomainLevels(host) { return String(host).split('.').length - 1; }
  function shExpMatch(str, shexp) { return globMatch(String(str), String(shexp)); }

  function bitsOf(text) {
    var v4 = parseIpv4(text);
    if (v4 !== null) {
      var out4 = [];
      for (var i = 31; i >= 0; i--) out4.push(Math.floor(v4 / Math.pow(2, i)) % 2);
      return { family: 4, bits: out4 };
    }
    var v6 = parseIpv6(text);
    if (v6 === null) return null;
    var out6 = [];
    for (var g = 0; g < 8; g++) for (var b = 15; b >= 0; b--) out6.push((v6[g] >> b) & 1);
    return { family: 6, bits: out6 };
  }
  function inPrefix(address, prefix) {
    var slash = prefix.indexOf('/');
    var network = bitsOf(slash < 0 ? prefix : prefix.substring(0, slash));
    var candidate = bitsOf(address);
    if (network === null || candidate === null || network.family !== candidate.family) return false;
    var length = slash < 0 ? network.bits.length : Number(prefix.substring(slash + 1));
    if (!(length >= 0 && length <= network.bits.length)) return false;
    for (var i = 0; i < length; i++) if (network.bits[i] !== candidate.bits[i]) return false;
    return true;
  }
  function isInNetEx(ipaddr, ipPrefix) {
    var addresses = isIpText(ipaddr) ? [ipaddr] : lookup(ipaddr);
    for (var i = 0; i < addresses.length; i++) if (inPrefix(addresses[i], String(ipPrefix))) return true;
    return false;
  }
  function sortIpAddressList(list) {
    if (typeof list !== 'string' || list.length === 0) return false;
    var items = list.split(';');
    var keyed = [];
    for (var i = 0; i < items.length; i++) {
      var bits = bitsOf(items[i]);
      if (bits === null) return false;
      keyed.push({ text: items[i], family: bits.family, key: bits.bits.join('') });
    }
    // IPv6 first, as Microsoft's resolver orders them, then ascending within a family.
    keyed.sort(function (a, b) {
      if (a.family !== b.family) return b.family - a.family;
      return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    });
    return keyed.map(function (k) { return k.text; }).join(';');
  }
  function getClientVersion() { return '1.0'; }
  function alert() { return undefined; }

  var dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  var monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  function splitGmt(args) {
    var list = Array.prototype.slice.call(args);
    var gmt = list.length > 0 && list[list.length - 1] === 'GMT';
    if (gmt) list.pop();
    var now = new Date();
    return {
      list: list,
      day: gmt ? now.getUTCDay() : now.getDay(),
      date: gmt ? now.getUTCDate() : now.getDate(),
      month: gmt ? now.getUTCMonth() : now.getMonth(),
      year: gmt ? now.getUTCFullYear() : now.getFullYear(),
      seconds: gmt
        ? now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds()
        : now.getHours() * 3600 + now.getMinutes() * 60 + now.getSeconds()
    };
  }
  function weekdayRange() {
    var s = splitGmt(arguments);
    var from = dayNames.indexOf(String(s.list[0]).toUpperCase());
    if (from < 0) return false;
    if (s.list.length < 2) return s.day === from;
    var to = dayNames.indexOf(String(s.list[1]).toUpperCase());
    if (to < 0) return false;
    return from <= to ? s.day >= from && s.day <= to : s.day >= from || s.day <= to;
  }
  function inCircularRange(value, from, to) {
    return from <= to ? value >= from && value <= to : value >= from || value <= to;
  }
  function dateRange() {
    var s = splitGmt(arguments);
    var parts = s.list.map(function (v) { return typeof v === 'string' ? v.toUpperCase() : v; });
    // Each argument is a day (1-31), a month name or a four-digit year; ranges compare the same kind.
    function kindOf(v) {
      if (typeof v === 'string') return monthNames.indexOf(v) >= 0 ? 'month' : 'bad';
      return v > 31 ? 'year' : 'day';
    }
    function valueOf(v, kind) { return kind === 'month' ? monthNames.indexOf(v) : v; }
    function current(kind) { return kind === 'day' ? s.date : kind === 'month' ? s.month : s.year; }
    if (parts.length === 1) {
      var k = kindOf(parts[0]);
      return k !== 'bad' && current(k) === valueOf(parts[0], k);
    }
    if (parts.length === 0 || parts.length % 2 !== 0) return false;
    var half = parts.length / 2;
    var nowKey = 0, fromKey = 0, toKey = 0;
    for (var i = 0; i < half; i++) {
      var kind = kindOf(parts[i]);
      if (kind === 'bad' || kindOf(parts[i + half]) !== kind) return false;
      var scale = kind === 'year' ? 10000 : kind === 'month' ? 100 : 1;
      nowKey += current(kind) * scale;
      fromKey += valueOf(parts[i], kind) * scale;
      toKey += valueOf(parts[i + half], kind) * scale;
    }
    return kindOf(parts[0]) === 'year' ? nowKey >= fromKey && nowKey <= toKey : inCircularRange(nowKey, fromKey, toKey);
  }
  function timeRange() {
    var s = splitGmt(arguments);
    var n = s.list.map(Number);
    if (n.some(function (v) { return !(v >= 0); })) return false;
    if (n.length === 1) return Math.floor(s.seconds / 3600) === n[0];
    var from, to;
    if (n.length === 2) { from = n[0] * 3600; to = n[1] * 3600 - 1; }
    else if (n.length === 4) { from = n[0] * 3600 + n[1] * 60; to = n[2] * 3600 + n[3] * 60; }
    else if (n.length === 6) { from = n[0] * 3600 + n[1] * 60 + n[2]; to = n[3] * 3600 + n[4] * 60 + n[5]; }
    else return false;
    return inCircularRange(s.seconds, from, to);
  }

  var recorded = [];
  function __endpointLensReturn(id, value) {
    // Bounded: a PAC that recurses through returns must not grow this log without limit.
    if (recorded.length < 10000) recorded.push({ id: id, value: value });
    return value;
  }
  // The earliest recorded return that produced this very value is where it was written: for
  // \`return pick(host)\` that is the \`return "DIRECT"\` inside pick, not the forwarding return.
  function __endpointLensTakeReturns(finalValue) {
    var taken = recorded;
    recorded = [];
    for (var i = 0; i < taken.length; i++) if (taken[i].value === finalValue) return taken[i].id;
    return -1;
  }

  var helpers = {
    isPlainHostName: isPlainHostName, dnsDomainIs: dnsDomainIs, localHostOrDomainIs: localHostOrDomainIs,
    isResolvable: isResolvable, isInNet: isInNet, dnsResolve: dnsResolve, convert_addr: convert_addr,
    myIpAddress: myIpAddress, dnsDomainLevels: dnsDomainLevels, shExpMatch: shExpMatch,
    weekdayRange: weekdayRange, dateRange: dateRange, timeRange: timeRange, alert: alert,
    isResolvableEx: isResolvableEx, isInNetEx: isInNetEx, dnsResolveEx: dnsResolveEx,
    myIpAddressEx: myIpAddressEx, sortIpAddressList: sortIpAddressList, getClientVersion: getClientVersion,
    __endpointLensReturn: __endpointLensReturn, __endpointLensTakeReturns: __endpointLensTakeReturns
  };
  Object.keys(helpers).forEach(function (name) {
    Object.defineProperty(global, name, { value: helpers[name], writable: true, configurable: true, enumerable: false });
  });
})`;
