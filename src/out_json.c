/*
 * out_json.c - the -j/--json writer (with -p and --all-netns fields)
 *
 * One top-level array, one compact object per line, written as the dump
 * streams in.  writer_end() closes the array even after an error, so the
 * output always parses; the exit status says whether it is complete.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "fmt.h"
#include "output.h"

static char *
put_lit(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUT(p, lit) put_lit((p), (lit), sizeof(lit) - 1)

static char *
put_name(char *p, const char *s)
{
	/* A few bytes: a loop is cheaper than strlen() and memcpy(). */
	*p++ = '"';
	while (*s != '\0')
		*p++ = *s++;
	*p++ = '"';
	return p;
}

/* The address as inet_ntop writes it; with --unmap, mapped ones as a.b.c.d. */
static char *
put_addr(char *p, int family, const uint8_t *addr, bool unmap)
{
	family = fmt_unmap(family, &addr, unmap);
	return fmt_addr(p, family, addr);
}

/* "processes":[{"pid":812,"comm":"squid","fd":14}], [] when none */
static void
put_processes(FILE *out, const struct procmap *m, uint32_t inode)
{
	struct procmap_iter it;
	struct procmap_owner o;
	bool first = true;

	fputs(",\"processes\":[", out);
	procmap_lookup(m, inode, &it);
	while (procmap_next(&it, &o)) {
		fprintf(
		    out, "%s{\"pid\":%d,\"comm\":", first ? "" : ",", o.pid);
		json_write_string(out, o.comm, o.comm_len);
		fprintf(out, ",\"fd\":%d}", o.fd);
		first = false;
	}
	fputc(']', out);
}

/* ,"local_addrs":["10.0.0.1","::ffff:10.0.0.2"]: every SCTP address. */
static void
put_addr_list(FILE *out, const char *key, int family,
    const uint8_t (*addrs)[16], unsigned int n, bool unmap)
{
	char buf[64];
	unsigned int i;

	fprintf(out, ",\"%s\":[", key);
	for (i = 0; i < n && i < SOCK_ADDRS_MAX; i++) {
		char *p = buf;

		*p++ = '"';
		p = put_addr(p, family, addrs[i], unmap);
		*p++ = '"';
		if (i + 1 < n)
			*p++ = ',';
		fwrite_unlocked(buf, 1, (size_t)(p - buf), out);
	}
	fputc(']', out);
}

static int
json_begin(struct writer *w)
{
	fputc('[', w->out);
	return 0;
}

static int
json_row(struct writer *w, const struct out_row *row)
{
	const struct sock_entry *sk = row->sk;
	char line[512];
	char *p = line;

	p = w->rows == 0 ? PUT(p, "\n{\"proto\":") : PUT(p, ",\n{\"proto\":");
	p = put_name(p, output_proto_name(sk->protocol));
	p = PUT(p, ",\"family\":");
	p = sk->family == AF_INET6 ? PUT(p, "\"inet6\"") : PUT(p, "\"inet\"");
	p = PUT(p, ",\"state\":");
	p = put_name(p, sock_state_name(sk->state));
	p = PUT(p, ",\"mode\":");
	p = put_name(p, sock_mode_name(sk->mode));
	p = PUT(p, ",\"v6only\":");
	if (sk->v6only == SOCK_V6ONLY_YES)
		p = PUT(p, "true");
	else if (sk->v6only == SOCK_V6ONLY_NO)
		p = PUT(p, "false");
	else
		p = PUT(p, "null");
	p = PUT(p, ",\"local_addr\":\"");
	p = put_addr(p, sk->family, sk->local_addr, w->opts.unmap);
	p = PUT(p, "\",\"local_port\":");
	p = fmt_u32(p, sk->local_port);
	/* A listener or an unconnected socket has no peer. */
	if (sock_has_no_peer(sk)) {
		p = PUT(p, ",\"peer_addr\":null,\"peer_port\":null");
	} else {
		p = PUT(p, ",\"peer_addr\":\"");
		p = put_addr(p, sk->family, sk->peer_addr, w->opts.unmap);
		p = PUT(p, "\",\"peer_port\":");
		p = fmt_u32(p, sk->peer_port);
	}
	p = PUT(p, ",\"interface\":");
	if (row->ifname != NULL) {
		fwrite_unlocked(line, 1, (size_t)(p - line), w->out);
		json_write_string(w->out, row->ifname, strlen(row->ifname));
		p = line;
	} else {
		p = PUT(p, "null");
	}
	p = PUT(p, ",\"recv_q\":");
	p = fmt_u32(p, sk->recv_q);
	p = PUT(p, ",\"send_q\":");
	p = fmt_u32(p, sk->send_q);
	/* No descriptor holds it (inode 0): no owner, and its uid 0 is
	 * not root. */
	if (sock_has_owner(sk)) {
		p = PUT(p, ",\"inode\":");
		p = fmt_u32(p, sk->inode);
		p = PUT(p, ",\"uid\":");
		p = fmt_u32(p, sk->uid);
	} else {
		p = PUT(p, ",\"inode\":null,\"uid\":null");
	}
	if (w->ns.name == NULL && row->procs == NULL &&
	    sk->protocol != IPPROTO_SCTP) {
		*p++ = '}';
		fwrite_unlocked(line, 1, (size_t)(p - line), w->out);
		return 0;
	}
	fwrite_unlocked(line, 1, (size_t)(p - line), w->out);
	if (sk->protocol == IPPROTO_SCTP) {
		put_addr_list(w->out, "local_addrs", sk->family,
		    sk->local_addrs, sk->nlocal, w->opts.unmap);
		put_addr_list(w->out, "peer_addrs", sk->family, sk->peer_addrs,
		    sk->npeer, w->opts.unmap);
	}
	if (w->ns.name != NULL) {
		fputc(',', w->out);
		json_write_netns(w->out, &w->ns);
	}
	if (row->procs != NULL)
		put_processes(w->out, row->procs, sk->inode);
	fputc('}', w->out);
	return 0;
}

static int
json_end(struct writer *w, const struct out_status *st)
{
	(void)st;
	fputs(w->rows == 0 ? "]\n" : "\n]\n", w->out);
	return 0;
}

static const struct writer_ops json_ops = {
	.begin = json_begin,
	.row = json_row,
	.end = json_end,
};

void
json_init(struct writer *w, FILE *out, const struct out_opts *opts)
{
	writer_init(w, &json_ops, out, opts);
}

/* A NUL-terminated untrusted string, or null. */
static void
put_string_or_null(FILE *out, const char *s)
{
	if (s != NULL)
		json_write_string(out, s, strlen(s));
	else
		fputs("null", out);
}

void
json_write_netns(FILE *out, const struct out_netns *ns)
{
	fputs("\"netns\":", out);
	put_string_or_null(out, ns->name);
	if (ns->inode != 0)
		fprintf(out, ",\"netns_inode\":%llu",
		    (unsigned long long)ns->inode);
	else
		fputs(",\"netns_inode\":null", out);
	if (ns->pid > 0)
		fprintf(out, ",\"netns_pid\":%d", ns->pid);
	else
		fputs(",\"netns_pid\":null", out);
	fputs(",\"container\":", out);
	put_string_or_null(out, ns->container);
}

/*
 * Writes s (n bytes, untrusted: a process name, say) as a JSON string.
 * Quotes and backslashes are escaped; what fmt_printable_len() says must
 * not be written as it is (controls, C1, bidi overrides) becomes \uXXXX;
 * bytes that are not valid UTF-8 become U+FFFD, so the output is always
 * valid JSON text.
 */
void
json_write_string(FILE *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	fputc('"', out);
	while (i < n) {
		unsigned char c = u[i];

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
			i++;
		} else if ((len = fmt_printable_len(u + i, n - i)) > 0) {
			fwrite(u + i, 1, len, out);
			i += len;
		} else if (c < 0x80) {
			fprintf(out, "\\u%04x", c);
			i++;
		} else if ((len = fmt_utf8_len(u + i, n - i)) > 0) {
			/* C1 and bidi controls: all in the BMP. */
			fprintf(out, "\\u%04x", fmt_utf8_decode(u + i, len));
			i += len;
		} else {
			fputs("\\ufffd", out);
			i++;
		}
	}
	fputc('"', out);
}
