/* Windows Sockets on a machine without a network: start-up and clean-up, errors, byte order,
   address text, the host name, name resolution of localhost and numeric addresses, sockets that
   cannot reach anything.  Expected values: the Winsock documentation (WSAStartup's negotiation,
   the WSA* error codes, getaddrinfo's rules) and this program's own arithmetic. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

static void show_ai(const char *what, const char *node, const char *service, const struct addrinfo *hints)
{
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(node, service, hints, &res);
    printf("getaddrinfo %s: %d", what, rc);
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        char text[64] = "";
        unsigned port = 0;
        if (ai->ai_family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
            inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
            port = ntohs(sin->sin_port);
        } else if (ai->ai_family == AF_INET6) {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;
            inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
            port = ntohs(sin6->sin6_port);
        }
        printf(" [%s %s port %u len %d type %d]", ai->ai_family == AF_INET ? "v4" : "v6", text, port,
               (int)ai->ai_addrlen, ai->ai_socktype);
        if (ai->ai_canonname) printf(" canon=%s", ai->ai_canonname);
    }
    printf("\n");
    if (res) freeaddrinfo(res);
}

int main(void)
{
    WSADATA wsa;
    SOCKET s;
    int rc;

    s = socket(AF_INET, SOCK_STREAM, 0);
    printf("socket before WSAStartup: %s error %d\n", s == INVALID_SOCKET ? "INVALID_SOCKET" : "socket",
           WSAGetLastError());
    rc = WSACleanup();
    printf("WSACleanup before WSAStartup: %d error %d\n", rc, WSAGetLastError());
    printf("WSAStartup(0.2): %d\n", WSAStartup(MAKEWORD(0, 2), &wsa));

    rc = WSAStartup(MAKEWORD(1, 1), &wsa);
    printf("WSAStartup(1.1): %d version %d.%d high %d.%d max sockets %u udp %u\n", rc, LOBYTE(wsa.wVersion),
           HIBYTE(wsa.wVersion), LOBYTE(wsa.wHighVersion), HIBYTE(wsa.wHighVersion), wsa.iMaxSockets,
           wsa.iMaxUdpDg);
    rc = WSAStartup(MAKEWORD(3, 0), &wsa);
    printf("WSAStartup(3.0): %d version %d.%d\n", rc, LOBYTE(wsa.wVersion), HIBYTE(wsa.wVersion));
    rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    printf("WSAStartup(2.2): %d version %d.%d high %d.%d [%s] [%s] max sockets %u\n", rc, LOBYTE(wsa.wVersion),
           HIBYTE(wsa.wVersion), LOBYTE(wsa.wHighVersion), HIBYTE(wsa.wHighVersion), wsa.szDescription,
           wsa.szSystemStatus, wsa.iMaxSockets);

    WSASetLastError(12345);
    printf("WSAGetLastError after WSASetLastError: %d, GetLastError %lu\n", WSAGetLastError(), GetLastError());

    printf("htons(0x1234)=%#x ntohs(0x3412)=%#x htonl(0x11223344)=%#lx ntohl(0x44332211)=%#lx\n",
           htons(0x1234), ntohs(0x3412), (unsigned long)htonl(0x11223344), (unsigned long)ntohl(0x44332211));
    printf("inet_addr: %#lx %#lx %#lx %#lx %#lx\n", (unsigned long)inet_addr("192.168.1.2"),
           (unsigned long)inet_addr("10.1"), (unsigned long)inet_addr("0x7f.1"),
           (unsigned long)inet_addr("256.1.1.1"), (unsigned long)inet_addr(""));
    struct in_addr ia;
    ia.s_addr = htonl(0xC0A80A01);
    printf("inet_ntoa: %s\n", inet_ntoa(ia));
    unsigned char v6[16];
    struct in_addr v4;
    int p1 = inet_pton(AF_INET, "172.16.0.9", &v4);
    int p2 = inet_pton(AF_INET, "172.16.0", &v4);
    int p3 = inet_pton(AF_INET6, "fe80::1:2", v6);
    int p4 = inet_pton(12345, "1.2.3.4", &v4);
    int e4 = WSAGetLastError();
    printf("inet_pton: %d %d %d (v6 last bytes %02x%02x %02x%02x) %d error %d\n", p1, p2, p3, v6[12], v6[13],
           v6[14], v6[15], p4, e4);

    char name[256];
    rc = gethostname(name, sizeof name);
    char expect[256];
    DWORD n = sizeof expect;
    GetEnvironmentVariableA("COMPUTERNAME", expect, n);
    printf("gethostname: %d, the computer name: %s\n", rc, _stricmp(name, expect) == 0 ? "yes" : name);
    rc = gethostname(name, 2);
    printf("gethostname short buffer: %d error %d\n", rc, WSAGetLastError());

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    show_ai("localhost:80", "localhost", "80", &hints);
    hints.ai_family = AF_INET;
    hints.ai_flags = AI_CANONNAME;
    show_ai("v4 localhost:http", "localhost", "http", &hints);
    hints.ai_flags = 0;
    show_ai("127.0.0.1:7", "127.0.0.1", "7", &hints);
    hints.ai_family = AF_UNSPEC;
    show_ai("::1", "::1", NULL, &hints);
    hints.ai_flags = AI_PASSIVE;
    hints.ai_family = AF_INET;
    show_ai("passive:8080", NULL, "8080", &hints);
    hints.ai_flags = 0;
    show_ai("example.com", "www.example.com", "80", &hints);
    show_ai("NULL NULL", NULL, NULL, &hints);
    show_ai("bad service", "localhost", "no-such-service", &hints);
    hints.ai_flags = AI_NUMERICHOST;
    show_ai("numeric-only localhost", "localhost", "80", &hints);

    rc = getaddrinfo("localhost", "80", NULL, (struct addrinfo **)8);
    printf("getaddrinfo into a bad pointer fails: %s\n", rc != 0 ? "yes" : "no");
    rc = inet_pton(AF_INET, "1.2.3.4", (void *)8);
    printf("inet_pton into a bad pointer: %d error %d\n", rc, WSAGetLastError());

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    printf("socket: %s\n", s == INVALID_SOCKET ? "INVALID_SOCKET" : "ok");
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(9);
    sin.sin_addr.s_addr = inet_addr("127.0.0.1");
    rc = connect(s, (struct sockaddr *)&sin, sizeof sin);
    printf("connect 127.0.0.1:9: %d error %d\n", rc, WSAGetLastError());
    SOCKET s2 = socket(AF_INET, SOCK_STREAM, 0);
    sin.sin_addr.s_addr = inet_addr("93.184.216.34");
    sin.sin_port = htons(80);
    rc = connect(s2, (struct sockaddr *)&sin, sizeof sin);
    printf("connect 93.184.216.34:80: %d error %d\n", rc, WSAGetLastError());
    rc = connect(s2, (struct sockaddr *)&sin, 4);
    printf("connect short name: %d error %d\n", rc, WSAGetLastError());
    int one = 1;
    printf("setsockopt SO_REUSEADDR: %d\n", setsockopt(s2, SOL_SOCKET, SO_REUSEADDR, (char *)&one, sizeof one));
    struct sockaddr_in got;
    int len = sizeof got;
    rc = getsockname(s2, (struct sockaddr *)&got, &len);
    printf("getsockname unbound: %d error %d\n", rc, WSAGetLastError());
    rc = listen(s2, 5);
    printf("listen unbound: %d error %d\n", rc, WSAGetLastError());
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = htons(4000);
    printf("bind 0.0.0.0:4000: %d\n", bind(s2, (struct sockaddr *)&sin, sizeof sin));
    len = sizeof got;
    rc = getsockname(s2, (struct sockaddr *)&got, &len);
    printf("getsockname: %d port %u len %d\n", rc, ntohs(got.sin_port), len);
    printf("listen: %d\n", listen(s2, 5));
    int type = 0, value = 0, vlen = sizeof type;
    rc = getsockopt(s2, SOL_SOCKET, SO_TYPE, (char *)&type, &vlen);
    printf("getsockopt SO_TYPE: %d type %d len %d\n", rc, type, vlen);
    vlen = sizeof value;
    getsockopt(s2, SOL_SOCKET, SO_REUSEADDR, (char *)&value, &vlen);
    printf("getsockopt SO_REUSEADDR after setting it: %d\n", value);
    vlen = sizeof value;
    getsockopt(s2, SOL_SOCKET, SO_ACCEPTCONN, (char *)&value, &vlen);
    printf("getsockopt SO_ACCEPTCONN: %d\n", value);
    vlen = 2;
    rc = getsockopt(s2, SOL_SOCKET, SO_TYPE, (char *)&type, &vlen);
    printf("getsockopt 2-byte buffer: %d error %d\n", rc, WSAGetLastError());
    u_long arg = 1;
    printf("ioctlsocket FIONBIO: %d", ioctlsocket(s2, FIONBIO, &arg));
    arg = 77;
    rc = ioctlsocket(s2, FIONREAD, &arg);
    printf(", FIONREAD: %d bytes %lu\n", rc, arg);
    len = sizeof got;
    rc = getpeername(s2, (struct sockaddr *)&got, &len);
    printf("getpeername: %d error %d\n", rc, WSAGetLastError());
    fd_set set;
    FD_ZERO(&set);
    FD_SET(s2, &set);
    printf("FD_ISSET: %d %d\n", FD_ISSET(s2, &set) != 0, FD_ISSET(s, &set) != 0);
    SOCKET u = socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP);
    printf("socket dgram/tcp: %s error %d\n", u == INVALID_SOCKET ? "INVALID_SOCKET" : "ok", WSAGetLastError());
    u = socket(99, SOCK_STREAM, 0);
    printf("socket family 99: %s error %d\n", u == INVALID_SOCKET ? "INVALID_SOCKET" : "ok", WSAGetLastError());
    rc = closesocket(s);
    printf("closesocket: %d", rc);
    printf(" %d\n", closesocket(s2));
    rc = closesocket(s);
    printf("closesocket again: %d error %d\n", rc, WSAGetLastError());
    SOCKET w = WSASocketW(AF_INET6, SOCK_DGRAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    printf("WSASocketW v6 datagram: %s", w == INVALID_SOCKET ? "INVALID_SOCKET" : "ok");
    printf(" closesocket %d\n", closesocket(w));
    w = WSASocketA(AF_INET, SOCK_STREAM, 0, NULL, 1, 0);
    printf("WSASocketA with a group: %s error %d\n", w == INVALID_SOCKET ? "INVALID_SOCKET" : "ok", WSAGetLastError());
    /* three WSAStartup calls succeeded (1.1, 3.0, 2.2): three WSACleanup calls, the fourth fails */
    int c1 = WSACleanup(), c2 = WSACleanup(), c3 = WSACleanup();
    printf("WSACleanup: %d %d %d\n", c1, c2, c3);
    rc = WSACleanup();
    printf("WSACleanup once more: %d error %d\n", rc, WSAGetLastError());
    return 0;
}
