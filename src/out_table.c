/*
 * out_table.c - the default table writer (and -e, -H, -p, --all-netns)
 *
 * Columns have fixed widths, wide enough for the longest IPv6 address and
 * port, so rows line up without holding the listing back to measure it.
 * Each row is built in a buffer and written with one fwrite_unlocked():
 * only dualstat's main thread writes (the -p and --all-netns threads never
 * touch a stream), so stdio's per-call locking is pure cost.  The
 * untrusted text around a row (a namespace name, process names) is
 * escaped on its way out.
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
#define W_V6ONLY 6
/* "pid:" and a 7-digit pid; longer namespace names push the row right. */
#define W_NETNS 11

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
	const char *last;

	if (!w->opts.header)
		return 0;
	if (w->opts.netns)
		fprintf(w->out, "%-*s ", W_NETNS, "Netns");
	fprintf(w->out, "%-*s %-*s %-*s %-*s ", W_PROTO, "Proto", W_STATE,
	    "State", W_MODE, "Mode", W_ADDR, "Local Address:Port");
	last = "Peer Address:Port";
	if (w->opts.extended) {
		fprintf(w->out, "%-*s %-*s %-*s ", W_ADDR, last, W_INODE,
		    "Inode", W_UID, "Uid");
		last = "V6only";
	}
	if (w->opts.processes)
		fprintf(w->out, "%-*s Process\n",
		    w->opts.extended ? W_V6ONLY : W_ADDR, last);
	else
		fprintf(w->out, "%s\n", last);
	return 0;
}

/* The rule of what to escape is fmt_printable_len()'s; the syntax here. */
size_t
table_write_string(FILE *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len, k, written = 0;

	while (i < n) {
		unsigned char c = u[i];

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
			written += 2;
			i++;
			continue;
		}
		if (c == '\n' || c == '\t' || c == '\r') {
			fputc('\\', out);
			fputc(c == '\n' ? 'n' : c == '\t' ? 't' : 'r', out);
			written += 2;
			i++;
			continue;
		}
		len = fmt_printable_len(u + i, n - i);
		if (len > 0) {
			fwrite(u + i, 1, len, out);
			written++;
			i += len;
			continue;
		}
		/* A whole escaped character, or one stray byte. */
		len = c >= 0x80 ? fmt_utf8_len(u + i, n - i) : 0;
		if (len == 0)
			len = 1;
		for (k = 0; k < len; k++, i++) {
			fputc('\\', out);
			fputc('x', out);
			fputc(hex[u[i] >> 4], out);
			fputc(hex[u[i] & 0xf], out);
			written += 4;
		}
	}
	return written;
}

/*
 * users:(("squid",pid=812,fd=14),("squid",pid=813,fd=14)), as ss -p
 * writes it; o is the first owner, it has the others.
 */
static void
put_owners(FILE *out, struct procmap_iter *it, struct procmap_owner *o)
{
	fputs("users:(", out);
	for (;;) {
		fputs("(\"", out);
		table_write_string(out, o->comm, o->comm_len);
		fprintf(out, "\",pid=%d,fd=%d)", o->pid, o->fd);
		if (!procmap_next(it, o))
			break;
		fputc(',', out);
	}
	fputc(')', out);
}

static int
table_row(struct writer *w, const struct out_row *row)
{
	const struct sock_entry *sk = row->sk;
	char line[256];
	char *p = line, *col;
	struct procmap_iter it;
	struct procmap_owner o;
	size_t n;

	if (w->ns.name != NULL) {
		n = table_write_string(w->out, w->ns.name, strlen(w->ns.name));
		do
			fputc(' ', w->out);
		while (++n <= W_NETNS);
	}
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
		col = p;
		p = put_str(p,
		    sk->v6only == SOCK_V6ONLY_YES      ? "yes"
			: sk->v6only == SOCK_V6ONLY_NO ? "no"
						       : "-");
	}
	if (row->procs != NULL) {
		procmap_lookup(row->procs, sk->inode, &it);
		/* No owner, no column: rows never end in blanks. */
		if (procmap_next(&it, &o)) {
			p = pad(p, col, w->opts.extended ? W_V6ONLY : W_ADDR);
			fwrite_unlocked(line, 1, (size_t)(p - line), w->out);
			put_owners(w->out, &it, &o);
			fputc('\n', w->out);
			return 0;
		}
	}
	*p++ = '\n';
	fwrite_unlocked(line, 1, (size_t)(p - line), w->out);
	return 0;
}

static int
table_end(struct writer *w, const struct out_status *st)
{
	(void)w;
	(void)st;
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

const char *
table_printable(const char *s, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	if (f == NULL)
		return "?";
	table_write_string(f, s, strlen(s));
	fclose(f);
	/* fclose() ends the text with a NUL only if there was room. */
	buf[len - 1] = '\0';
	return buf;
}
