/*
 * output.c - the writer interface shared by every output format
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <string.h>

#include "output.h"

/*
 * stdio keeps the first write error in the stream; turn it into -errno so
 * the listing stops at the first failed write (a full disk, say) instead of
 * formatting every remaining socket into a dead stream.
 */
static int
stream_status(struct writer *w, int ret)
{
	if (ret < 0)
		return ret;
	if (ferror(w->out))
		return errno != 0 ? -errno : -EIO;
	return 0;
}

void
writer_init(struct writer *w, const struct writer_ops *ops, FILE *out,
    const struct out_opts *opts)
{
	memset(w, 0, sizeof(*w));
	w->ops = ops;
	w->out = out;
	w->opts = *opts;
	w->ns.bindv6only = -1;
}

/* The writer's own begin, once: at once, or with silent_if_empty, when
 * the first thing to write comes. */
static int
begin_now(struct writer *w)
{
	if (w->begun)
		return 0;
	w->begun = true;
	return stream_status(w, w->ops->begin(w));
}

int
writer_begin(struct writer *w)
{
	if (w->opts.silent_if_empty)
		return 0;
	return begin_now(w);
}

int
writer_netns_begin(struct writer *w, const struct out_netns *ns)
{
	int ret;

	w->ns = *ns;
	if (w->ops->netns_begin == NULL)
		return 0;
	ret = begin_now(w);
	if (ret < 0)
		return ret;
	return stream_status(w, w->ops->netns_begin(w));
}

/* -p: whether any process was found holding the row's socket. */
static bool
has_owner(const struct out_row *row)
{
	struct procmap_owner o;
	struct procmap_iter it;

	procmap_lookup(row->procs, row->sk->inode, &it);
	return procmap_next(&it, &o);
}

int
writer_row(struct writer *w, const struct out_row *row)
{
	int ret;

	ret = begin_now(w);
	if (ret < 0)
		return ret;
	ret = w->ops->row(w, row);
	if (ret < 0)
		return ret;
	w->rows++;
	if (row->procs != NULL && row->sk->inode != 0 && !has_owner(row))
		w->unowned++;
	/* ferror() is a flag test; cheap enough per row. */
	return stream_status(w, 0);
}

int
writer_netns_end(struct writer *w, const struct out_status *st)
{
	int ret = 0;

	if (w->ops->netns_end != NULL && w->begun)
		ret = w->ops->netns_end(w, st);
	w->netns_done++;
	return stream_status(w, ret);
}

int
writer_end(struct writer *w, const struct out_status *st)
{
	int ret = 0;

	if (w->begun)
		ret = w->ops->end(w, st);
	if (ret == 0 && fflush(w->out) != 0)
		return errno != 0 ? -errno : -EIO;
	return stream_status(w, ret);
}

const char *
output_proto_name(int protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case SOCK_IPPROTO_MPTCP:
		return "mptcp";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_RAW:
		return "raw";
	default:
		return "?";
	}
}

const char *
output_family_name(int family)
{
	return family == AF_INET6 ? "AF_INET6" : "AF_INET";
}

int
output_state_group(unsigned int state)
{
	if (state == TCP_LISTEN || state == TCP_CLOSE)
		return 0;
	if (state == TCP_TIME_WAIT)
		return 2;
	return 1;
}

const char *
output_group_name(int group)
{
	static const char *const names[OUT_GROUPS] = { "listening", "connected",
		"time-wait" };

	return group >= 0 && group < OUT_GROUPS ? names[group] : "?";
}

/* The protocols of w->counts, in the order the summary prints them. */
static const int counted[OUT_PROTOS] = { IPPROTO_TCP, IPPROTO_UDP,
	SOCK_IPPROTO_MPTCP, IPPROTO_SCTP, IPPROTO_RAW };

int
output_proto_at(int p)
{
	return p >= 0 && p < OUT_PROTOS ? counted[p] : -1;
}

void
output_count(struct writer *w, const struct sock_entry *sk)
{
	int proto;

	for (proto = 0; proto < OUT_PROTOS; proto++)
		if (counted[proto] == sk->protocol)
			break;
	if (proto < OUT_PROTOS && (unsigned int)sk->mode < SOCK_MODE_COUNT)
		w->counts[proto][output_state_group(sk->state)][sk->mode]++;
}
