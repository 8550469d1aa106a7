/*
 * out_table.c - the default table writer (and -e, -H)
 *
 * Columns have fixed widths, wide enough for the longest IPv6 address and
 * port, so rows line up without holding the listing back to measure it.
 * Each row is built in a buffer and written with one fwrite_unlocked():
 * dualstat has one thread, so stdio's per-call locking is pure cost.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "fmt.h"
#include "output.h"

#define W_PROTO 5
#define W_STATE 10
#define W_MODE 6
/* "[" + 39-character IPv6 address + "]:" + 5-digit port */
#define W_ADDR 47
#define W_INODE 10
#define W_UID 10

/*
 * Pads the column that starts at start to width, then adds the separating
 * space.  table_row() blanks the whole line first, with one memset of a
 * constant size, so padding is only a jump over spaces already there:
 * padding is most of what a table row is made of.
 */
static char *
pad(char *p, char *start, int width)
{
	if (p < start + width)
		p = start + width;
	*p++ = ' ';
	return p;
}

/*
 * The names written here (proto, state, mode) are a few bytes long: a
 * byte loop costs less than calling strlen() and memcpy() for each.
 */
static char *
put_str(char *p, const char *s)
{
	while (*s != '\0')
		*p++ = *s++;
	return p;
}

/* "10.0.0.7:22", "[::ffff:10.0.0.7]:3128" (or with --unmap
 * "10.0.0.7:3128"), "[::]:*" */
static char *
put_endpoint(
    char *p, int family, const uint8_t *addr, uint16_t port, bool unmap)
{
	family = fmt_unmap(family, &addr, unmap);
	if (family == AF_INET6)
		*p++ = '[';
	p = fmt_addr(p, family, addr);
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	if (port == 0)
		*p++ = '*';
	else
		p = fmt_u32(p, port);
	return p;
}

static int
table_begin(struct writer *w)
{
	if (!w->opts.header)
		return 0;
	if (w->opts.extended)
		fprintf(w->out, "%-*s %-*s %-*s %-*s %-*s %-*s %-*s %s\n",
		    W_PROTO, "Proto", W_STATE, "State", W_MODE, "Mode", W_ADDR,
		    "Local Address:Port", W_ADDR, "Peer Address:Port", W_INODE,
		    "Inode", W_UID, "Uid", "V6only");
	else
		fprintf(w->out, "%-*s %-*s %-*s %-*s %s\n", W_PROTO, "Proto",
		    W_STATE, "State", W_MODE, "Mode", W_ADDR,
		    "Local Address:Port", "Peer Address:Port");
	return 0;
}

static int
table_row(struct writer *w, const struct out_row *row)
{
	const struct sock_entry *sk = row->sk;
	char line[256];
	char *p = line, *col;

	/* Longer than any row: 5 columns of at most 47 bytes, plus -e's. */
	memset(line, ' ', sizeof(line));
	col = p;
	p = put_str(p, output_proto_name(sk->protocol));
	p = pad(p, col, W_PROTO);
	col = p;
	p = put_str(p, sock_state_name(sk->state));
	p = pad(p, col, W_STATE);
	col = p;
	p = put_str(p, sock_mode_name(sk->mode));
	p = pad(p, col, W_MODE);
	col = p;
	p = put_endpoint(
	    p, sk->family, sk->local_addr, sk->local_port, w->opts.unmap);
	p = pad(p, col, W_ADDR);
	col = p;
	p = put_endpoint(
	    p, sk->family, sk->peer_addr, sk->peer_port, w->opts.unmap);
	if (w->opts.extended) {
		p = pad(p, col, W_ADDR);
		col = p;
		p = fmt_u32(p, sk->inode);
		p = pad(p, col, W_INODE);
		col = p;
		p = fmt_u32(p, sk->uid);
		p = pad(p, col, W_UID);
		p = put_str(p,
		    sk->v6only == SOCK_V6ONLY_YES      ? "yes"
			: sk->v6only == SOCK_V6ONLY_NO ? "no"
						       : "-");
	}
	*p++ = '\n';
	fwrite_unlocked(line, 1, (size_t)(p - line), w->out);
	return 0;
}

static int
table_end(struct writer *w)
{
	(void)w;
	return 0;
}

static const struct writer_ops table_ops = {
	.begin = table_begin,
	.row = table_row,
	.end = table_end,
};

void
table_init(struct writer *w, FILE *out, const struct out_opts *opts)
{
	writer_init(w, &table_ops, out, opts);
}
