/*
 * out_table.c - the default table writer (and -e, -H, -p, --all-netns)
 *
 * Columns are as wide as their data, as in ss, with memory that does not
 * grow with the listing: rows are formatted into a block of at most
 * TABLE_BLOCK_ROWS rows or TABLE_BLOCK_BYTES bytes of text, the widths
 * are measured over the block, and the block is printed.  Later blocks
 * keep those widths and widen a column only when one of their rows needs
 * it, so a long listing stays aligned except where it could not be.
 *
 * On a terminal (out_opts.width) the first block's widths are fitted to
 * the screen: spare columns go to the two address columns, which is
 * where long addresses of later rows need them, and the Process column,
 * always last, may run past the edge as in ss -p.  Where the columns
 * before it do not fit, the Netns column (--all-netns) gives way: its
 * labels are shortened in the middle ("systemd:ng~4026532711"), never
 * the addresses.  Elsewhere rows end with their last character: no
 * trailing blanks, nothing shortened.
 *
 * Only dualstat's main thread writes (the -p and --all-netns threads never
 * touch a stream), so rows go out with fwrite_unlocked().  Every untrusted
 * byte (a namespace name, an interface name, a user or process name) is
 * escaped on its way into the block.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fmt.h"
#include "output.h"

#define TABLE_BLOCK_ROWS 4096
#define TABLE_BLOCK_BYTES (1U << 20)
/* More than any one row's columns but the Process one can take: an
 * address with an escaped interface name is under 120 bytes. */
#define ROW_FIXED_MAX 1024
/* An address column is not widened past this on a terminal. */
#define ADDR_FIT_MAX 47
/* On a terminal the Netns column is fixed at NETNS_FIT_WANT (a docker
 * or podman label) where there is room, and shortened, not below
 * NETNS_FIT_MIN, before any address would be; the room left for each
 * address is at least that of a mapped loopback address with its port,
 * [::ffff:127.0.0.1]:53358. */
#define NETNS_FIT_WANT 19
#define NETNS_FIT_MIN 8
#define ADDR_FIT_RESERVE 24
#define MODE_FIT_RESERVE 6 /* "v6only", "mapped" */

enum col {
	C_NETNS,
	C_PROTO,
	C_STATE,
	C_RECVQ,
	C_SENDQ,
	C_MODE,
	C_LOCAL,
	C_PEER,
	C_INODE,
	C_USER,
	C_V6ONLY,
	C_PROC,
	C_COUNT,
};

static const char *const titles[C_COUNT] = {
	[C_NETNS] = "Netns",
	[C_PROTO] = "Proto",
	[C_STATE] = "State",
	[C_RECVQ] = "Recv-Q",
	[C_SENDQ] = "Send-Q",
	[C_MODE] = "Mode",
	[C_LOCAL] = "Local Address:Port",
	[C_PEER] = "Peer Address:Port",
	[C_INODE] = "Inode",
	[C_USER] = "User",
	[C_V6ONLY] = "V6only",
	[C_PROC] = "Process",
};

/* One cell of a row in the block: where its text is, and its width. */
struct cell {
	uint32_t off, len, width;
};

/* -e: the owner's user name (its uid where it has none; JSON has the
 * uid), looked up once per uid: a few uids own most sockets. */
#define USER_CACHE 32
struct user_name {
	uint32_t uid;
	bool used;
	char name[64]; /* escaped, or the uid in decimal */
};

struct table {
	enum col cols[C_COUNT]; /* the columns shown, in order */
	unsigned int ncols;
	unsigned int width[C_COUNT]; /* by enum col */
	bool sized; /* a block was printed: widths only grow now */
	/* The Netns column's width, fitted to the terminal: longer labels
	 * are shortened in the middle; 0 when none is fitted. */
	unsigned int netns_cap;
	bool header_done;
	char *text; /* the block's cell text */
	size_t used, cap;
	struct cell *cells; /* ncols per row */
	size_t rows;
	char *line; /* one output row */
	size_t line_cap;
	struct user_name users[USER_CACHE];
};

/*
 * Escapes n bytes of untrusted text into dst, which has room for 4 * n
 * bytes (see table_write_string()).  Returns the bytes written; adds the
 * characters (screen columns) they take to *width.
 */
/* The rule of what to escape is fmt_printable_len()'s; the syntax here. */
static size_t
escape(char *dst, const char *s, size_t n, uint32_t *width)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char *p = dst;
	size_t i = 0, len, k;

	while (i < n) {
		unsigned char c = u[i];

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
			*width += 2;
			i++;
			continue;
		}
		if (c == '\n' || c == '\t' || c == '\r') {
			*p++ = '\\';
			*p++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			*width += 2;
			i++;
			continue;
		}
		len = fmt_printable_len(u + i, n - i);
		if (len > 0) {
			memcpy(p, u + i, len);
			p += len;
			*width += 1;
			i += len;
			continue;
		}
		/* A whole escaped character, or one stray byte. */
		len = c >= 0x80 ? fmt_utf8_len(u + i, n - i) : 0;
		if (len == 0)
			len = 1;
		for (k = 0; k < len; k++, i++) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[u[i] >> 4];
			*p++ = hex[u[i] & 0xf];
			*width += 4;
		}
	}
	return (size_t)(p - dst);
}

size_t
table_write_string(FILE *out, const char *s, size_t n)
{
	char buf[4 * 260];
	uint32_t width = 0;
	size_t chunk;

	/* In pieces that do not split a UTF-8 sequence. */
	while (n > 0) {
		chunk = n < 256 ? n : 256;
		while (chunk < n && chunk < 260 &&
		    ((unsigned char)s[chunk] & 0xc0) == 0x80)
			chunk++;
		fwrite(buf, 1, escape(buf, s, chunk, &width), out);
		s += chunk;
		n -= chunk;
	}
	return width;
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

/* Makes room for n more bytes of text; the block may pass its nominal
 * size for one row with many owners. */
static int
reserve(struct table *t, size_t n)
{
	size_t cap;
	char *p;

	if (t->used + n <= t->cap)
		return 0;
	cap = t->cap;
	while (cap < t->used + n)
		cap *= 2;
	p = realloc(t->text, cap);
	if (p == NULL)
		return -ENOMEM;
	t->text = p;
	t->cap = cap;
	return 0;
}

/* The cells of the row being added. */
static struct cell *
row_cells(struct table *t)
{
	return &t->cells[t->rows * t->ncols];
}

/* Ends the cell of column c begun at text offset start. */
static void
end_cell(struct table *t, unsigned int c, size_t start, char *p, bool ascii)
{
	struct cell *cell = &row_cells(t)[c];
	const char *s = t->text + start;
	uint32_t w = 0;
	size_t i;

	cell->off = (uint32_t)start;
	cell->len = (uint32_t)(p - s);
	if (ascii) {
		cell->width = cell->len;
	} else {
		/* Escaped text is ASCII and whole UTF-8 sequences. */
		for (i = 0; i < cell->len; i++)
			w += ((unsigned char)s[i] & 0xc0) != 0x80;
		cell->width = w;
	}
	t->used = (size_t)(p - t->text);
}

static char *
put_str(char *p, const char *s)
{
	while (*s != '\0')
		*p++ = *s++;
	return p;
}

/* "10.0.0.7:22", "[::ffff:10.0.0.7]:3128" (or with --unmap
 * "10.0.0.7:3128"), "[::]:*", "[fe80::1]%eth0:6001" (as ss: the bound
 * device, or the zone, after the address). */
static char *
put_endpoint(char *p, int family, const uint8_t *addr, uint16_t port,
    bool unmap, const char *ifname, uint32_t *width)
{
	family = fmt_unmap(family, &addr, unmap);
	if (family == AF_INET6)
		*p++ = '[';
	p = fmt_addr(p, family, addr);
	if (family == AF_INET6)
		*p++ = ']';
	if (ifname != NULL) {
		*p++ = '%';
		p += escape(p, ifname, strnlen(ifname, IF_NAMESIZE), width);
	}
	*p++ = ':';
	if (port == 0)
		*p++ = '*';
	else
		p = fmt_u32(p, port);
	return p;
}

/* The user name of uid, escaped, or its number if it has none. */
static const char *
user_name(struct table *t, uint32_t uid)
{
	struct user_name *u = &t->users[uid % USER_CACHE];
	struct passwd pw, *res = NULL;
	char buf[1024];
	uint32_t w = 0;
	size_t n;

	if (u->used && u->uid == uid)
		return u->name;
	u->used = true;
	u->uid = uid;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL &&
	    (n = strlen(res->pw_name)) < sizeof(u->name) / 4) {
		u->name[escape(u->name, res->pw_name, n, &w)] = '\0';
		return u->name;
	}
	snprintf(u->name, sizeof(u->name), "%u", uid);
	return u->name;
}

/* users:(("squid",pid=812,fd=14),("squid",pid=813,fd=14)), as ss -p
 * writes it.  Returns 0 or -ENOMEM; t->used is past the text. */
static int
put_owners(struct table *t, struct procmap_iter *it, struct procmap_owner *o)
{
	size_t start = t->used;
	uint32_t w = 0;
	char *p;

	if (reserve(t, 16) < 0)
		return -ENOMEM;
	p = put_str(t->text + t->used, "users:(");
	for (;;) {
		t->used = (size_t)(p - t->text);
		/* comm is at most 64 bytes (procmap.h). */
		if (reserve(t, 4 * o->comm_len + 64) < 0)
			return -ENOMEM;
		p = t->text + t->used;
		p = put_str(p, "(\"");
		p += escape(p, o->comm, o->comm_len, &w);
		p = put_str(p, "\",pid=");
		p = fmt_u32(p, (uint32_t)o->pid);
		p = put_str(p, ",fd=");
		p = fmt_u32(p, (uint32_t)o->fd);
		*p++ = ')';
		if (!procmap_next(it, o))
			break;
		*p++ = ',';
	}
	*p++ = ')';
	end_cell(t, t->ncols - 1, start, p, false);
	return 0;
}

static int
grow_line(struct table *t, size_t n)
{
	char *p;

	if (n <= t->line_cap)
		return 0;
	p = realloc(t->line, n);
	if (p == NULL)
		return -ENOMEM;
	t->line = p;
	t->line_cap = n;
	return 0;
}

/*
 * Fixes the Netns column's width (the first column, under --all-netns)
 * for the whole table, so that the columns before Process fit in width
 * - 1 screen columns even when later rows bring longer labels or mapped
 * addresses: each address column is counted at ADDR_FIT_RESERVE at
 * least.  Up to NETNS_FIT_WANT where there is room, never under
 * NETNS_FIT_MIN.  total (the width of all columns) is updated.  Columns
 * that later rows widen further take it from Netns (regain()).  Without
 * a terminal nothing is fitted and nothing shortened.
 */
static void
fit_netns(struct table *t, unsigned int width, unsigned int *total)
{
	unsigned int others, room, cap, i, want;
	enum col c;

	if (t->cols[0] != C_NETNS)
		return;
	others = *total - t->width[C_NETNS];
	if (t->cols[t->ncols - 1] == C_PROC)
		others -= t->width[C_PROC] + 1;
	/* The addresses keep that room, and Mode the room of its longest
	 * name: the spare columns given out after this must not take it. */
	for (i = 0; i < t->ncols; i++) {
		c = t->cols[i];
		want = c == C_LOCAL || c == C_PEER ? ADDR_FIT_RESERVE
		    : c == C_MODE		   ? MODE_FIT_RESERVE
						   : 0;
		if (t->width[c] < want) {
			others += want - t->width[c];
			*total += want - t->width[c];
			t->width[c] = want;
		}
	}
	room = width - 1 > others ? width - 1 - others : 0;
	cap = t->width[C_NETNS] > NETNS_FIT_WANT ? t->width[C_NETNS]
						 : NETNS_FIT_WANT;
	if (cap > room)
		cap = room;
	if (cap < NETNS_FIT_MIN)
		cap = NETNS_FIT_MIN;
	*total = *total - t->width[C_NETNS] + cap;
	t->width[C_NETNS] = t->netns_cap = cap;
}

/*
 * A later block widened a column past what the screen holds: the Netns
 * column gives back what it can (down to NETNS_FIT_MIN), so that the
 * addresses stay whole and on one line.
 */
static void
regain(struct table *t, unsigned int width)
{
	unsigned int total = 0, over, i;

	for (i = 0; i < t->ncols; i++)
		if (t->cols[i] != C_PROC)
			total += t->width[t->cols[i]] + (i > 0);
	if (total + 1 <= width)
		return;
	over = total + 1 - width;
	if (over > t->netns_cap - NETNS_FIT_MIN)
		over = t->netns_cap - NETNS_FIT_MIN;
	t->netns_cap -= over;
	t->width[C_NETNS] = t->netns_cap;
}

/* The bytes of the first n characters of s (len bytes; a character is
 * a UTF-8 sequence: escaped text has nothing wider). */
static size_t
chars_bytes(const char *s, size_t len, unsigned int n)
{
	size_t i = 0;

	for (; i < len && n > 0; n--)
		for (i++; i < len && ((unsigned char)s[i] & 0xc0) == 0x80; i++)
			;
	return i;
}

/*
 * Copies a Netns cell of width characters shortened to cap: its start,
 * '~', its end (where two labels of one unit differ, by their inode).
 * Returns the end of what was written.
 */
static char *
put_shortened(
    char *p, const char *s, size_t len, uint32_t width, unsigned int cap)
{
	unsigned int head = (cap - 1) / 2, tail = cap - 1 - head;
	size_t h = chars_bytes(s, len, head),
	       skip = chars_bytes(s, len, width - tail);

	memcpy(p, s, h);
	p += h;
	*p++ = '~';
	memcpy(p, s + skip, len - skip);
	return p + (len - skip);
}

/* The width each column needs for the block, and on a first block on a
 * terminal, the spare columns given to the addresses. */
static void
size_columns(struct table *t, const struct out_opts *o)
{
	unsigned int c, i, total = 0, spare, extra, need[C_COUNT];
	size_t r;

	memset(need, 0, sizeof(need));
	for (r = 0; r < t->rows; r++) {
		const struct cell *cells = &t->cells[r * t->ncols];

		for (i = 0; i < t->ncols; i++)
			if (cells[i].width > need[t->cols[i]])
				need[t->cols[i]] = cells[i].width;
	}
	if (o->header && !t->sized)
		for (i = 0; i < t->ncols; i++)
			if (strlen(titles[t->cols[i]]) > need[t->cols[i]])
				need[t->cols[i]] =
				    (unsigned int)strlen(titles[t->cols[i]]);
	for (i = 0; i < t->ncols; i++)
		if (need[t->cols[i]] > t->width[t->cols[i]] &&
		    (t->cols[i] != C_NETNS || t->netns_cap == 0))
			t->width[t->cols[i]] = need[t->cols[i]];
	if (t->sized && t->netns_cap > 0) {
		regain(t, o->width);
		return;
	}
	if (t->sized || o->width == 0) {
		t->sized = true;
		return;
	}
	t->sized = true;
	for (i = 0; i < t->ncols; i++)
		total += t->width[t->cols[i]] + (i > 0);
	fit_netns(t, o->width, &total);
	/* The Process column runs past the edge if it must (as ss -p). */
	if (total >= o->width)
		return;
	spare = o->width - 1 - total;
	/* Spare columns widen the addresses (up to ADDR_FIT_MAX), where
	 * longer addresses of later rows will need them; the last column
	 * is never padded, so widening it is no use. */
	for (c = C_LOCAL; c <= C_PEER; c++) {
		if (c == t->cols[t->ncols - 1])
			break;
		extra = c == C_LOCAL && t->cols[t->ncols - 1] != C_PEER
		    ? (spare + 1) / 2
		    : spare;
		if (t->width[c] + extra > ADDR_FIT_MAX)
			extra = t->width[c] < ADDR_FIT_MAX
			    ? ADDR_FIT_MAX - t->width[c]
			    : 0;
		t->width[c] += extra;
		spare -= extra;
	}
}

/* Writes one line of n cells, each padded to its column's width but the
 * last: no trailing blanks. */
static int
put_line(struct table *t, FILE *out, const struct cell *cells, const char *base,
    unsigned int n)
{
	size_t need = 1;
	unsigned int i, w;
	char *p;

	for (i = 0; i < n; i++)
		need += cells[i].len + t->width[t->cols[i]] + 1;
	if (grow_line(t, need) < 0)
		return -ENOMEM;
	p = t->line;
	for (i = 0; i < n; i++) {
		w = t->width[t->cols[i]];
		if (t->cols[i] == C_NETNS && t->netns_cap > 0 &&
		    cells[i].width > w) {
			p = put_shortened(p, base + cells[i].off, cells[i].len,
			    cells[i].width, w);
			if (i + 1 == n)
				break;
			*p++ = ' ';
			continue;
		}
		memcpy(p, base + cells[i].off, cells[i].len);
		p += cells[i].len;
		if (i + 1 == n)
			break;
		/* Widths count characters: a multi-byte one takes one. */
		if (cells[i].width < w) {
			memset(p, ' ', w - cells[i].width);
			p += w - cells[i].width;
		}
		*p++ = ' ';
	}
	*p++ = '\n';
	fwrite_unlocked(t->line, 1, (size_t)(p - t->line), out);
	return 0;
}

static int
put_header(struct table *t, FILE *out)
{
	struct cell cells[C_COUNT];
	char text[256];
	unsigned int i;
	size_t used = 0, n;

	for (i = 0; i < t->ncols; i++) {
		n = strlen(titles[t->cols[i]]);
		memcpy(text + used, titles[t->cols[i]], n);
		cells[i].off = (uint32_t)used;
		cells[i].len = cells[i].width = (uint32_t)n;
		used += n;
	}
	return put_line(t, out, cells, text, t->ncols);
}

/* Sizes, then writes, the rows of the block, and empties it. */
static int
flush_block(struct writer *w)
{
	struct table *t = w->priv;
	unsigned int n;
	size_t r;
	int ret;

	size_columns(t, &w->opts);
	if (w->opts.header && !t->header_done) {
		t->header_done = true;
		ret = put_header(t, w->out);
		if (ret < 0)
			return ret;
	}
	for (r = 0; r < t->rows; r++) {
		const struct cell *cells = &t->cells[r * t->ncols];

		n = t->ncols;
		/* No owner, no Process column: rows never end in blanks. */
		if (w->opts.processes && cells[n - 1].len == 0)
			n--;
		ret = put_line(t, w->out, cells, t->text, n);
		if (ret < 0)
			return ret;
	}
	t->rows = 0;
	t->used = 0;
	return 0;
}

static int
table_begin(struct writer *w)
{
	struct table *t;
	unsigned int n = 0;
	enum col c;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	for (c = 0; c < C_COUNT; c++) {
		if (c == C_NETNS && !w->opts.netns)
			continue;
		if ((c == C_RECVQ || c == C_SENDQ || c == C_INODE ||
			c == C_USER || c == C_V6ONLY) &&
		    !w->opts.extended)
			continue;
		if (c == C_PROC && !w->opts.processes)
			continue;
		t->cols[n++] = c;
	}
	t->ncols = n;
	t->cap = TABLE_BLOCK_BYTES + ROW_FIXED_MAX;
	t->text = malloc(t->cap);
	t->cells = calloc((size_t)TABLE_BLOCK_ROWS * n, sizeof(*t->cells));
	if (t->text == NULL || t->cells == NULL) {
		free(t->text);
		free(t->cells);
		free(t);
		return -ENOMEM;
	}
	w->priv = t;
	return 0;
}

/* Adds the cell of column i from the C string s (ASCII). */
static char *
put_cell(struct table *t, unsigned int i, char *p, const char *s)
{
	size_t start = (size_t)(p - t->text);

	p = put_str(p, s);
	end_cell(t, i, start, p, true);
	return p;
}

static int
table_row(struct writer *w, const struct out_row *row)
{
	struct table *t = w->priv;
	const struct sock_entry *sk = row->sk;
	bool owned = sock_has_owner(sk);
	struct procmap_iter it;
	struct procmap_owner o;
	unsigned int i;
	uint32_t width;
	size_t start;
	char *p;
	int ret;

	if (t->rows == TABLE_BLOCK_ROWS || t->used >= TABLE_BLOCK_BYTES) {
		ret = flush_block(w);
		if (ret < 0)
			return ret;
	}
	/* The namespace's name may be long: room for it escaped. */
	if (reserve(t,
		ROW_FIXED_MAX +
		    (w->ns.name != NULL ? 4 * strlen(w->ns.name) : 0)) < 0)
		return -ENOMEM;
	p = t->text + t->used;
	for (i = 0; i < t->ncols; i++) {
		start = (size_t)(p - t->text);
		width = 0;
		switch (t->cols[i]) {
		case C_NETNS:
			if (w->ns.name != NULL)
				p += escape(
				    p, w->ns.name, strlen(w->ns.name), &width);
			end_cell(t, i, start, p, false);
			break;
		case C_PROTO:
			p = put_cell(t, i, p, output_proto_name(sk->protocol));
			break;
		case C_STATE:
			p = put_cell(t, i, p, sock_state_name(sk->state));
			break;
		case C_RECVQ:
		case C_SENDQ:
			p = fmt_u32(
			    p, t->cols[i] == C_RECVQ ? sk->recv_q : sk->send_q);
			end_cell(t, i, start, p, true);
			break;
		case C_MODE:
			p = put_cell(t, i, p, sock_mode_name(sk->mode));
			break;
		case C_LOCAL:
			p = put_endpoint(p, sk->family, sk->local_addr,
			    sk->local_port, w->opts.unmap, row->ifname, &width);
			end_cell(t, i, start, p, row->ifname == NULL);
			break;
		case C_PEER:
			p = put_endpoint(p, sk->family, sk->peer_addr,
			    sk->peer_port, w->opts.unmap, NULL, &width);
			end_cell(t, i, start, p, true);
			break;
		case C_INODE:
			if (owned)
				p = fmt_u32(p, sk->inode);
			else
				*p++ = '-';
			end_cell(t, i, start, p, true);
			break;
		case C_USER:
			p = put_str(p, owned ? user_name(t, sk->uid) : "-");
			end_cell(t, i, start, p, false);
			break;
		case C_V6ONLY:
			p = put_cell(t, i, p,
			    sk->v6only == SOCK_V6ONLY_YES      ? "yes"
				: sk->v6only == SOCK_V6ONLY_NO ? "no"
							       : "-");
			break;
		case C_PROC:
			end_cell(t, i, start, p, true);
			if (row->procs == NULL || !owned)
				break;
			procmap_lookup(row->procs, sk->inode, &it);
			if (procmap_next(&it, &o) && put_owners(t, &it, &o) < 0)
				return -ENOMEM;
			break;
		default:
			break;
		}
	}
	t->rows++;
	return 0;
}

static int
table_end(struct writer *w, const struct out_status *st)
{
	struct table *t = w->priv;
	int ret;

	(void)st;
	if (t == NULL)
		return 0;
	ret = flush_block(w);
	free(t->text);
	free(t->cells);
	free(t->line);
	free(t);
	w->priv = NULL;
	return ret;
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
