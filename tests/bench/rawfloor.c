/*
 * rawfloor.c - the raw-dump floor of the benchmark (make bench)
 *
 *     rawfloor [--concurrent] [--no-bound-inactive] [dualstat options]
 *
 * Sends the sock_diag requests dualstat would send for the same command
 * line, reads the replies with 32 KiB reads and counts them: nothing is
 * parsed, classified or formatted.  Its time is what the kernel alone
 * costs, the floor dualstat's time is measured against.  At the end it
 * prints one line, "MESSAGES BYTES", so the runner can check it saw as
 * many sockets as dualstat printed rows.
 *
 * The requests come from libdualstat itself (cli_parse(), query_plan()),
 * so a change there (new states, families, the bytecode of the filters)
 * moves the floor with it: "rawfloor --dual" is the floor of the
 * kernel-filtered requests "dualstat --dual" sends.  Only the user-space
 * half of the filters (v6only for -m dual, which bytecode cannot test)
 * is left out, as it belongs to dualstat's own work.
 *
 * --concurrent sends the same requests all at once, each on a netlink
 * socket and a thread of its own: every dump walks the kernel's hash
 * tables on its own, so this is the floor of a run that uses every core
 * (issue 13).  --no-bound-inactive clears idiag_states bit 13 from every
 * request: the bench's measure of what bound-inactive sockets cost.
 *
 * With --all-netns it finds the namespaces as dualstat does
 * (netns_list_init()) and dumps each in turn, entering it with setns(2):
 * the floor of listing them one after another (issue 20); with
 * --concurrent too, two threads share the namespaces, each dumping one
 * namespace at a time: the floor of a run that uses two cores.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <err.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "cli.h"
#include "netns.h"
#include "protos.h"
#include "query.h"
#include "sock.h"

/* The same read size as dualstat (diag.c): the kernel's dump skb limit. */
#define RECV_SIZE 32768

static void
send_request(int fd, const struct diag_request *req, unsigned int seq)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
		unsigned char bytecode[4096];
	} msg;
	struct nlattr *nla;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t len = NLMSG_LENGTH(sizeof(msg.r));

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = seq;
	msg.r.sdiag_family = req->family;
	msg.r.idiag_states = req->states;
	/* As diag.c asks: MPTCP's 262 in INET_DIAG_REQ_PROTOCOL. */
	if (req->protocol > 255) {
		nla = (struct nlattr *)msg.bytecode;
		nla->nla_type = INET_DIAG_REQ_PROTOCOL;
		nla->nla_len = NLA_HDRLEN + sizeof(uint32_t);
		memcpy(msg.bytecode + NLA_HDRLEN, &(uint32_t){ req->protocol },
		    sizeof(uint32_t));
		len += NLA_ALIGN(nla->nla_len);
	} else {
		msg.r.sdiag_protocol = (uint8_t)req->protocol;
	}
	if (req->bytecode != NULL) {
		if (req->bytecode_len > sizeof(msg.bytecode) - NLA_HDRLEN)
			errx(2, "bytecode too long");
		nla = (struct nlattr *)((unsigned char *)&msg + len);
		nla->nla_type = INET_DIAG_REQ_BYTECODE;
		nla->nla_len = (unsigned short)(NLA_HDRLEN + req->bytecode_len);
		memcpy((unsigned char *)nla + NLA_HDRLEN, req->bytecode,
		    req->bytecode_len);
		len += NLA_ALIGN(nla->nla_len);
	}
	msg.nlh.nlmsg_len = (unsigned int)len;
	if (sendto(fd, &msg, len, 0, (struct sockaddr *)&kernel,
		sizeof(kernel)) < 0)
		err(2, "sendto");
}

/* Reads one dump to its NLMSG_DONE; adds its messages and bytes. */
static void
drain(int fd, unsigned long *messages, unsigned long *bytes)
{
	static __thread unsigned char buf[RECV_SIZE]
	    __attribute__((aligned(8)));
	const struct nlmsghdr *nlh;
	ssize_t len;
	int left;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			err(2, "recv");
		if (len == 0)
			errx(2, "dump ended without NLMSG_DONE");
		*bytes += (unsigned long)len;
		left = (int)len;
		for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				errx(2, "NLMSG_ERROR in the dump");
			(*messages)++;
		}
	}
}

static int
open_socket(void)
{
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		err(2, "socket");
	return fd;
}

/* --concurrent: one dump, on its own socket. */
struct job {
	const struct diag_request *req;
	int fd;
	unsigned long messages, bytes;
};

static void *
job_thread(void *arg)
{
	struct job *j = arg;

	send_request(j->fd, j->req, 1);
	drain(j->fd, &j->messages, &j->bytes);
	return NULL;
}

/* --all-netns: the namespaces, the next one to take, the totals. */
struct nsjob {
	struct netns_list l;
	const struct diag_request *steps;
	size_t n, next;
	pthread_mutex_t lock;
	unsigned long messages, bytes;
};

/* Enters each namespace not yet taken (setns(2) moves this thread only)
 * and dumps the steps in turn. */
static void *
ns_thread(void *arg)
{
	struct nsjob *j = arg;
	unsigned long messages = 0, bytes = 0;
	size_t k, i;
	int fd, nsfd;

	while (
	    (k = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->l.n) {
		nsfd = netns_open_entry(
		    &j->l.v[k], NETNS_NAMED_DIR, NETNS_PROC_ROOT);
		if (nsfd < 0) {
			errno = -nsfd;
			err(2, "%s", j->l.v[k].label);
		}
		if (setns(nsfd, CLONE_NEWNET) < 0)
			err(2, "setns %s", j->l.v[k].label);
		close(nsfd);
		fd = open_socket();
		for (i = 0; i < j->n; i++) {
			send_request(fd, &j->steps[i], (unsigned int)i + 1);
			drain(fd, &messages, &bytes);
		}
		close(fd);
	}
	pthread_mutex_lock(&j->lock);
	j->messages += messages;
	j->bytes += bytes;
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct diag_request steps[QUERY_MAX_STEPS];
	struct job jobs[QUERY_MAX_STEPS];
	pthread_t tid[QUERY_MAX_STEPS];
	struct query_bc bc;
	struct options opts;
	unsigned long messages = 0, bytes = 0;
	bool concurrent = false;
	char msg[256];
	uint32_t loaded;
	bool no_bound_inactive = false;
	size_t n, i;
	int fd, ret;

	while (argc > 1 &&
	    (strcmp(argv[1], "--concurrent") == 0 ||
		strcmp(argv[1], "--no-bound-inactive") == 0)) {
		if (strcmp(argv[1], "--concurrent") == 0)
			concurrent = true;
		else
			no_bound_inactive = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (cli_parse(argc, argv, &opts, msg, sizeof(msg)) < 0)
		errx(2, "%s", msg);
	if (protos_read("/proc/net/protocols", &loaded) < 0)
		loaded = protos_base();
	n = query_plan(&opts, loaded, steps, &bc);
	for (i = 0; i < n && no_bound_inactive; i++)
		steps[i].states &= ~(1U << SOCK_STATE_BOUND_INACTIVE);
	if (opts.all_netns) {
		struct nsjob nj = { .steps = steps,
			.n = n,
			.lock = PTHREAD_MUTEX_INITIALIZER };
		pthread_t nt[2];
		size_t k, nthreads = concurrent ? 2 : 1;

		ret = netns_list_init(
		    &nj.l, NETNS_NAMED_DIR, NETNS_PROC_ROOT, NULL);
		if (ret < 0) {
			errno = -ret;
			err(2, "netns_list_init");
		}
		/* --concurrent: two threads take the namespaces in turn. */
		for (k = 1; k < nthreads; k++)
			if (pthread_create(&nt[k], NULL, ns_thread, &nj) != 0)
				errx(2, "pthread_create");
		ns_thread(&nj);
		for (k = 1; k < nthreads; k++)
			pthread_join(nt[k], NULL);
		netns_list_done(&nj.l);
		printf("%lu %lu\n", nj.messages, nj.bytes);
		return 0;
	}
	if (!concurrent) {
		fd = open_socket();
		for (i = 0; i < n; i++) {
			send_request(fd, &steps[i], (unsigned int)i + 1);
			drain(fd, &messages, &bytes);
		}
		close(fd);
		printf("%lu %lu\n", messages, bytes);
		return 0;
	}
	/* Every socket is open before the first request goes out. */
	for (i = 0; i < n; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].req = &steps[i];
		jobs[i].fd = open_socket();
	}
	for (i = 0; i < n; i++) {
		ret = pthread_create(&tid[i], NULL, job_thread, &jobs[i]);
		if (ret != 0) {
			errno = ret;
			err(2, "pthread_create");
		}
	}
	for (i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		close(jobs[i].fd);
		messages += jobs[i].messages;
		bytes += jobs[i].bytes;
	}
	printf("%lu %lu\n", messages, bytes);
	return 0;
}
