// Corporate proxy auto-configuration, Copenhagen HQ.
// Bypass the proxy for internal hosts and the Microsoft 365 endpoints we trust.
var PROXY = "PROXY proxy.corp.example:8080; DIRECT";

function FindProxyForURL(url, host) {
    host = host.toLowerCase();

    if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example"))
        return "DIRECT";

    // Internal networks (resolves every host name, see the diagnostic)
    if (isInNet(host, "10.0.0.0", "255.0.0.0"))
        return "DIRECT";

    // Microsoft 365 Optimize: Exchange and Teams
    if (shExpMatch(host, "outlook.office.com") ||
        shExpMatch(host, "outlook.office365.com") ||
        shExpMatch(host, "*.teams.microsoft.com") ||
        dnsDomainIs(host, ".lync.com"))
        return "DIRECT";

    // Retired in the catalogue, still here
    if (shExpMatch(host, "www.acompli.com"))
        return "DIRECT";

    return PROXY;
}
