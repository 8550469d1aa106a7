/*
 * check_sock.h - a classified TCP socket made from text, for the unit
 * tests that tell filters apart by what they select
 */
#ifndef DUALSTAT_CHECK_SOCK_H
#define DUALSTAT_CHECK_SOCK_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "sock.h"

/* A TCP socket in state with v6only (enum sock_v6only), classified. */
static inline struct sock_entry
check_sock(int family, int state, int v6only, const char *local, uint16_t lport,
    const char *peer, uint16_t pport)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.family = (uint8_t)family;
	sk.protocol = IPPROTO_TCP;
	sk.state = (uint8_t)state;
	sk.v6only = (int8_t)v6only;
	ck_assert_int_eq(inet_pton(family, local, sk.local_addr), 1);
	ck_assert_int_eq(inet_pton(family, peer, sk.peer_addr), 1);
	sk.local_port = lport;
	sk.peer_port = pport;
	sock_classify(&sk);
	return sk;
}

#endif
