/*
 * ssfilter.h - parse ss(8)'s filter language (the FILTER argument, -F)
 * into the expression tree of filter.h
 *
 *   filter  := { ("state" | "exclude" | "excl") STATE } [ or ]
 *   or      := and { ("or" | "||" | "|") and }
 *   and     := not { [ "and" | "&&" | "&" ] not }      juxtaposition: and
 *   not     := ("not" | "!") not | "(" or ")" | term
 *   term    := ("sport" | "dport") [ CMP ] PORT       no CMP: "="
 *            | ("src" | "dst") [ EQ | NE ] HOST
 *            | "dev" [ EQ | NE ] (NAME | INDEX | "if"INDEX) | "autobound"
 *            | "mode" [ EQ | NE ] MODES | "v6only"
 *   CMP     := EQ | NE | "<" | "lt" | ">" | "gt" | "<=" | "le" | "leq"
 *            | ">=" | "ge" | "geq"
 *   EQ, NE  := "=" | "==" | "eq",  "!=" | "neq" | "ne"
 *   PORT    := [":"] (NUMBER | SERVICE | "*")     "*": any port (= or !=)
 *   HOST    := [ "inet:" | "inet6:" ] (ADDR[/LEN] | "[" ADDR "]"[/LEN]
 *              | "*") [":" PORT]  |  ":" PORT
 *
 * so "not" binds tighter than "and", and "and" than "or".  "#" starts a
 * comment that runs to the end of the line.
 */
#ifndef DUALSTAT_SSFILTER_H
#define DUALSTAT_SSFILTER_H

#include "filter.h"

struct ssfilter_error {
	unsigned int line; /* 1-based */
	unsigned int column; /* 1-based, in bytes */
	char msg[200]; /* what is wrong, untrusted bytes escaped */
};

/*
 * Parses text into f: leading "state"/"exclude" words into f->states (as
 * ss: "state" ORs a state in, the first "exclude" starts from every
 * state), the expression ANDed with f's (filter_and_root()).  Service
 * names are looked up for proto ("tcp", "udp", or NULL for either).  A
 * text holding no expression and no state is an error.  Returns 0, or
 * -EINVAL with *e saying where and what; f is then left half-built.
 */
int ssfilter_parse(struct filter *f, const char *text, const char *proto,
    struct ssfilter_error *e);

#endif
