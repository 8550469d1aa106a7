/*
 * protos.c - read the loaded protocols from /proc/net/protocols (which
 * protocols -M, -S, -w, -A and the default listing may ask for)
 *
 * The file lists every registered struct proto, one per line, its name
 * first (net/core/sock.c, proto_seq_printf()).  The list is the host's,
 * not a namespace's, so it is read once per run.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protos.h"
#include "sock.h"

/* The kernel's names (struct proto .name) and what they stand for. */
static const struct {
	const char *name;
	int protocol;
	int family;
} known[] = {
	{ "TCP", IPPROTO_TCP, AF_INET },
	{ "TCPv6", IPPROTO_TCP, AF_INET6 },
	{ "UDP", IPPROTO_UDP, AF_INET },
	{ "UDPv6", IPPROTO_UDP, AF_INET6 },
	{ "MPTCP", SOCK_IPPROTO_MPTCP, AF_INET },
	{ "MPTCPv6", SOCK_IPPROTO_MPTCP, AF_INET6 },
	{ "SCTP", IPPROTO_SCTP, AF_INET },
	{ "SCTPv6", IPPROTO_SCTP, AF_INET6 },
	{ "RAW", IPPROTO_RAW, AF_INET },
	{ "RAWv6", IPPROTO_RAW, AF_INET6 },
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

uint32_t
protos_bit(int protocol, int family)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (known[i].protocol == protocol && known[i].family == family)
			return 1U << i;
	return 0;
}

bool
protos_nth(unsigned int i, int *protocol, int *family)
{
	if (i >= NKNOWN)
		return false;
	*protocol = known[i].protocol;
	*family = known[i].family;
	return true;
}

uint32_t
protos_base(void)
{
	return protos_bit(IPPROTO_TCP, AF_INET) |
	    protos_bit(IPPROTO_TCP, AF_INET6) |
	    protos_bit(IPPROTO_UDP, AF_INET) |
	    protos_bit(IPPROTO_UDP, AF_INET6);
}

bool
protos_has(uint32_t set, int protocol, int family)
{
	uint32_t bit = protos_bit(protocol, family);

	return bit != 0 && (set & bit) != 0;
}

/* The bit of the name the line starts with (up to a blank), or 0. */
static uint32_t
line_bit(const char *line)
{
	size_t len = strcspn(line, " \t\n"), i;

	for (i = 0; i < NKNOWN; i++)
		if (strlen(known[i].name) == len &&
		    memcmp(known[i].name, line, len) == 0)
			return 1U << i;
	return 0;
}

int
protos_read(const char *path, uint32_t *set)
{
	char line[512];
	uint32_t found = 0;
	bool titled = false;
	FILE *f;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (f == NULL) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (!titled) {
			titled = strncmp(line, "protocol ", 9) == 0;
			if (!titled)
				break;
			continue;
		}
		found |= line_bit(line);
		/* A line longer than the buffer: skip its rest. */
		while (strchr(line, '\n') == NULL &&
		    fgets(line, sizeof(line), f) != NULL)
			;
	}
	if (ferror(f))
		ret = -EIO;
	else if (!titled)
		ret = -EBADMSG;
	fclose(f);
	if (ret == 0)
		*set = found;
	return ret;
}
