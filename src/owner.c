/*
 * owner.c - the filter terms that name who holds a socket (cgroup, unit,
 * container, uid, user, pid, process): resolving their names on the host
 * and deciding them on a socket
 *
 * The kernel tests the cgroup of a socket itself (INET_DIAG_BC_CGROUP_COND,
 * bc.c), so unit and container terms, which become cgroup terms, cost the
 * same as ports.  inet_diag bytecode has no uid condition and no kernel
 * side knows processes: those terms are decided here.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "netns.h"
#include "owner.h"

struct find {
	const char *name; /* the unit, or the container as written */
	char unit[256]; /* the unit's component */
	bool container;
	struct owner_cgroups *c;
};

/* Does path have a component equal to want? */
static bool
has_component(const char *path, const char *want)
{
	size_t n = strlen(want);
	const char *c = path;

	while ((c = strstr(c, want)) != NULL) {
		if (c > path && c[-1] == '/' && (c[n] == '/' || c[n] == '\0'))
			return true;
		c++;
	}
	return false;
}

/* Does the container label ("podman:3f2a1b4c5d6e") name the one wanted? */
static bool
label_matches(const char *label, const char *want)
{
	const char *id = strchr(label, ':');
	size_t n;

	if (id == NULL || strncmp(label, "systemd:", 8) == 0)
		return false;
	if (strcmp(label, want) == 0 || strcmp(id + 1, want) == 0)
		return true;
	n = strlen(id + 1);
	return n == 12 && strlen(want) > n && strncmp(id + 1, want, n) == 0;
}

static int
find_cb(const char *path, uint64_t id, void *arg)
{
	struct find *f = arg;
	char text[4200], label[96];
	bool hit;

	if (f->container) {
		/* netns_container() reads /proc/PID/cgroup lines. */
		snprintf(text, sizeof(text), "0::%s", path);
		netns_container(text, strlen(text), label, sizeof(label));
		hit = label_matches(label, f->name);
	} else {
		hit = has_component(path, f->unit);
	}
	if (!hit)
		return 0;
	if (f->c->n == OWNER_MAX_CGROUPS)
		return -E2BIG;
	f->c->id[f->c->n++] = id;
	return 0;
}

static int
find(struct find *f, struct owner_cgroups *c)
{
	int ret;

	c->n = 0;
	f->c = c;
	ret = cgroup_walk(find_cb, f);
	if (ret < 0)
		return ret;
	return c->n == 0 ? -ENOENT : 0;
}

int
owner_unit_cgroups(const char *name, struct owner_cgroups *c)
{
	struct find f = { .name = name };

	if (name[0] == '\0' || strchr(name, '/') != NULL)
		return -ENOENT;
	if ((size_t)snprintf(f.unit, sizeof(f.unit), "%s%s", name,
		strchr(name, '.') == NULL ? ".service" : "") >= sizeof(f.unit))
		return -ENOENT;
	return find(&f, c);
}

int
owner_container_cgroups(const char *name, struct owner_cgroups *c)
{
	struct find f = { .name = name, .container = true };

	if (name[0] == '\0')
		return -ENOENT;
	return find(&f, c);
}

int
owner_user_uid(const char *name, uint32_t *uid)
{
	struct passwd pw, *res = NULL;
	char *buf;
	long len = sysconf(_SC_GETPW_R_SIZE_MAX);
	int ret;

	if (len < 1024)
		len = 16384;
	buf = malloc((size_t)len);
	if (buf == NULL)
		return -ENOMEM;
	ret = getpwnam_r(name, &pw, buf, (size_t)len, &res);
	if (ret == 0 && res != NULL)
		*uid = (uint32_t)pw.pw_uid;
	free(buf);
	if (ret != 0 && ret != ENOENT && ret != ESRCH)
		return -ret;
	return res != NULL ? 0 : -ENOENT;
}

static enum filter_answer
yes_no(bool b)
{
	return b ? FILTER_YES : FILTER_NO;
}

enum filter_answer
owner_decide(const struct filter_node *n, const struct sock_entry *sk,
    const struct filter_owner *o, size_t nown)
{
	size_t i, len;

	switch (n->kind) {
	case FILTER_CGROUP:
		return yes_no(sk->cgroup_id == n->id);
	case FILTER_UID:
		return yes_no(sock_has_owner(sk) && sk->uid == n->value);
	case FILTER_PID:
	case FILTER_PROCESS:
		if (o == NULL)
			return FILTER_MAYBE;
		len = strlen(n->name);
		for (i = 0; i < nown; i++) {
			if (n->kind == FILTER_PID ? o[i].pid == (int)n->value
						  : o[i].comm_len == len &&
				    memcmp(o[i].comm, n->name, len) == 0)
				return FILTER_YES;
		}
		return FILTER_NO;
	case FILTER_NOTHING:
	default:
		return FILTER_NO;
	}
}
