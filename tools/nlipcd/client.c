// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Clients: one per connection (stream, seqpacket) or per peer address
 * (AF_UNIX dgram, UDP): their life, their output queues and idleness.
 * Their input is taken in frame.c, new ones admitted in admit.c; what
 * differs by kind of socket is in each kind's table (kind.h).
 *
 * The rule that keeps one client from hurting the others: every client's
 * memory is bounded and nothing ever waits for a client. Output beyond the
 * queue limit stops us reading that client's requests (backpressure); a
 * subscriber past it loses notifications and later gets the overrun
 * marker; input is taken in bounded slices so a busy client cannot starve
 * the loop.
 *
 * Clients are never freed from inside a call chain that may still use
 * them: nlipcd_client_close() marks them, and the loop reaps them (see
 * nlipcd_client_run_ready()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <byteswap.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <linux/genetlink.h>

#include "backend.h"
#include "bridged.h"
#include "client.h"
#include "kind.h"
#include "listen.h"
#include "loop.h"
#include "nlipcd.h"
#include "reply.h"

/* A closing client gets this long to take what is queued for it. */
#define CLOSE_GRACE_MS	2000
/* How often to look for AF_UNIX dgram peers whose socket is gone. */
#define GONE_INTERVAL_MS	10000
/*
 * Blocked AF_UNIX dgram peers: nothing says when they read, so we look,
 * soon at first, then less and less often while none of them moves.
 */
#define RETRY_MIN_MS	10
#define RETRY_MAX_MS	500

bool nlipcd_client_room(const struct nlipcd_client *c)
{
	return c->tx.bytes < c->d->lim.max_queue;
}

/* May we take another request from this client now? */
bool nlipcd_client_can_take(const struct nlipcd_client *c)
{
	return !c->closing && !c->dump &&
	       c->inflight < c->d->lim.max_inflight && nlipcd_client_room(c);
}

void nlipcd_client_describe(struct nlipcd_client *c)
{
	char host[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr_storage *a = &c->who.addr;

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(c->name, sizeof(c->name), "%s %s:%u port %u",
			 c->ops->inet_scheme, host, ntohs(in->sin_port), c->portid);
	} else if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)a;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(c->name, sizeof(c->name), "%s [%s]:%u port %u",
			 c->ops->inet_scheme, host, ntohs(in6->sin6_port), c->portid);
	} else if (c->who.uid_known) {
		snprintf(c->name, sizeof(c->name), "unix uid %u pid %d port %u",
			 (unsigned int)c->who.uid, (int)c->who.pid, c->portid);
	} else {
		snprintf(c->name, sizeof(c->name), "unix port %u", c->portid);
	}
}

static uint32_t new_portid(struct nlipcd *d,
			   const struct nlipcd_kind_ops *ops, const void *addr,
			   socklen_t len)
{
	uint32_t id;

	if (ops->portid) {
		id = ops->portid(addr, len);
		if (!nlipcd_client_find(d, id))
			return id;
	}
	/* Never 0 (the kernel's), never one a live client holds. */
	do {
		id = d->next_portid++;
	} while (!id || nlipcd_client_find(d, id));
	return id;
}

bool nlipcd_client_same_host(const struct sockaddr_storage *a,
			     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return false;
}

struct nlipcd_client *nlipcd_client_new(struct nlipcd *d,
					struct nlipcd_listener *lis, int fd,
					const struct sockaddr *addr,
					socklen_t addrlen)
{
	struct nlipcd_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = d;
	c->lis = lis;
	c->ops = lis->ops;
	c->fd = fd;
	c->who.remote = lis->family != AF_UNIX;
	if (addrlen > sizeof(c->who.addr))
		addrlen = sizeof(c->who.addr);
	memcpy(&c->who.addr, addr, addrlen);
	c->who.addrlen = addrlen;
	c->portid = new_portid(d, c->ops, &c->who.addr, c->who.addrlen);
	c->last_rx_ms = nlipcd_now_ms();
	c->w.fd = -1;
	c->w.handle = nlipcd_client_handle;
	nlipcd_list_init(&c->ready_node);
	nlipcd_list_init(&c->retry_node);
	nlipcd_list_init(&c->reap_node);
	nlipcd_list_add_tail(&c->node, &d->clients);
	d->n_clients++;

	if (c->ops->init && c->ops->init(c)) {
		nlipcd_list_del(&c->node);
		d->n_clients--;
		free(c);
		return NULL;
	}
	nlipcd_index_add(c);
	nlipcd_client_describe(c);
	return c;
}

static void tx_clear(struct nlipcd_client *c)
{
	struct nlipcd_txe *e;

	while ((e = c->tx.head)) {
		c->tx.head = e->next;
		nlipcd_buf_put(e->buf);
		free(e);
	}
	c->tx.tail = NULL;
	c->tx.bytes = 0;
}

/* Really free: only from the loop, never from under a caller. */
static void client_free(struct nlipcd_client *c)
{
	struct nlipcd *d = c->d;
	unsigned int g;

	if (c->dump)
		c->dump->free(c);
	if (d->backend && d->backend->forget)
		d->backend->forget(c);
	if (c->ops->fini)
		c->ops->fini(c);
	for (g = 0; g < NLIPCD_GROUPS_MAX; g++)
		if ((c->groups & (1u << g)) && !--d->n_subscribed[g])
			nlipcd_bridge_release(d, g);
	nlipcd_list_del(&c->node);
	nlipcd_list_del(&c->ready_node);
	nlipcd_list_del(&c->retry_node);
	nlipcd_list_del(&c->reap_node);
	nlipcd_index_del(c);
	d->n_clients--;
	if (c->w.fd >= 0) {
		nlipcd_watch_del(d, &c->w);
		close(c->w.fd);
	}
	tx_clear(c);
	while (c->in.n_pending)
		free(c->in.pending[--c->in.n_pending]);
	free(c->in.pending);
	if (!c->in.borrowed)
		free(c->in.buf);
	nlipcd_udp_cache_free(c->udp.cache);
	free(c);
	/* A descriptor is free again: connections may be taken. */
	if (d->accept_paused)
		nlipcd_listen_pause(d, false);
}

/*
 * Stop taking requests; what is queued still goes out, for a short while.
 * @why is logged; NULL for a quiet end (peer closed).
 */
void nlipcd_client_close(struct nlipcd_client *c, const char *why)
{
	if (c->closing)
		return;
	if (why)
		nlipcd_info("%s: closing: %s", c->name, why);
	else
		nlipcd_debug("%s: closed by the peer", c->name);
	c->closing = true;
	nlipcd_client_recount(c);
	c->closing_deadline = nlipcd_now_ms() + CLOSE_GRACE_MS;
	nlipcd_list_del(&c->reap_node);
	nlipcd_list_add_tail(&c->reap_node, &c->d->reap);
	nlipcd_client_update(c);
}

/* Gone for good (peer reset, socket error): nothing more is sent. */
void nlipcd_client_abort(struct nlipcd_client *c, const char *why)
{
	nlipcd_client_close(c, why);
	tx_clear(c);
	c->dead = true;
}

void nlipcd_client_schedule(struct nlipcd_client *c)
{
	if (nlipcd_list_empty(&c->ready_node))
		nlipcd_list_add_tail(&c->ready_node, &c->d->ready);
}

/*
 * A whole message waits in the client's input buffer, or a length to
 * refuse: worth a turn. A part of one is not (a peer that hung up
 * mid-message has none); its rest wakes us through EPOLLIN.
 */
bool nlipcd_client_buffered_message(const struct nlipcd_client *c)
{
	size_t have = c->in.len - c->in.off;
	uint32_t len;

	if (c->in.n_pending)
		return true;
	if (have < NLMSG_HDRLEN)
		return false;
	/*
	 * Asked while a request is handled, the next message may still sit
	 * at the odd offset the take loop realigns after: copy its length.
	 */
	memcpy(&len, c->in.buf + c->in.off, sizeof(len));
	return len < NLMSG_HDRLEN || len > c->d->lim.max_msg || len <= have;
}

/*
 * ... or input that may complete one, held below the socket where no
 * EPOLLIN announces it (decrypted TLS records).
 */
bool nlipcd_client_has_message(const struct nlipcd_client *c)
{
	return nlipcd_client_buffered_message(c) ||
	       (c->ops->pending && c->ops->pending(c));
}

void nlipcd_client_update(struct nlipcd_client *c)
{
	/* Once the peer shut its side, only our output is left to watch. */
	uint32_t ev = c->in.eof ? 0 : EPOLLRDHUP;

	if (c->w.fd < 0)
		return;
	c->in.reading = nlipcd_client_can_take(c) && !c->in.eof;
	if (c->in.reading)
		ev |= EPOLLIN;
	if (c->tx.head && !c->dead)
		ev |= EPOLLOUT;
	if (c->closing && !c->tx.head)
		ev = 0;
	if (ev != c->w.events)
		nlipcd_watch_set(c->d, &c->w, ev);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static void overrun_marker(struct nlipcd_client *c)
{
	static const char text[] =
		"overrun: nlipcd dropped notifications this subscriber did not read in time";
	struct nlipcd_extack ext = { .msg = text };
	struct nlmsghdr zero = { 0 };
	struct nlipcd_reply r;

	if (nlipcd_reply_init(&r, 128))
		return;
	nlipcd_reply_ack(&r, &zero, 0, -ENOBUFS, &ext);
	c->overrun = false;
	if (!r.err)
		nlipcd_client_queue(c, r.buf);
	nlipcd_reply_release(&r);
}

/* The queue shrank: marker owed, dump to continue, input to take. */
static void drained(struct nlipcd_client *c)
{
	if (c->overrun && !c->tx.head && !c->closing)
		overrun_marker(c);
	/* Not from here: we may be deep inside the dump's own send. */
	if ((c->dump && c->tx.bytes < NLIPCD_DUMP_LOW_WATER) ||
	    (nlipcd_client_can_take(c) && nlipcd_client_has_message(c)))
		nlipcd_client_schedule(c);
	nlipcd_client_update(c);
}

void nlipcd_client_tx_pop(struct nlipcd_client *c)
{
	struct nlipcd_txe *e = c->tx.head;

	c->tx.head = e->next;
	if (!c->tx.head)
		c->tx.tail = NULL;
	c->tx.bytes -= e->buf->len;
	nlipcd_buf_put(e->buf);
	free(e);
}

/* A dgram peer that cannot take more now: look again soon. */
static void retry_later(struct nlipcd_client *c)
{
	struct nlipcd *d = c->d;

	if (!nlipcd_list_empty(&c->retry_node))
		return;
	nlipcd_list_add_tail(&c->retry_node, &d->retry);
	d->retry_ms = RETRY_MIN_MS;
	d->retry_at = nlipcd_now_ms() + RETRY_MIN_MS;
}

/* Datagram kinds: each queued buffer is one datagram. */
void nlipcd_client_flush_datagrams(struct nlipcd_client *c)
{
	const struct nlipcd_kind_ops *ops = c->ops;
	const struct sockaddr *to = NULL;
	socklen_t tolen = 0;
	ssize_t n;

	if (ops->peer) {
		to = (const struct sockaddr *)&c->who.addr;
		tolen = c->who.addrlen;
	}
	while (c->tx.head) {
		struct nlipcd_buf *b = c->tx.head->buf;

		if (ops->may_send && !ops->may_send(c, b->len)) {
			retry_later(c);
			return;
		}
		n = sendto(c->fd, b->data, b->len, MSG_NOSIGNAL | MSG_DONTWAIT,
			   to, tolen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* UDP: the client retries, and gets the cached answer. */
			if (ops->lossy) {
				nlipcd_client_tx_pop(c);
				continue;
			}
			/* A dgram peer with a full queue: no EPOLLOUT says when. */
			if (ops->peer)
				retry_later(c);
			return;
		}
		if (n < 0) {
			if (ops->lossy) {
				/* ICMP from an earlier datagram: not fatal. */
				nlipcd_client_tx_pop(c);
				continue;
			}
			if (errno == EMSGSIZE) {
				nlipcd_warn("%s: dropped an answer of %zu bytes: %s",
					    c->name, b->len, strerror(errno));
				nlipcd_client_tx_pop(c);
				continue;
			}
			nlipcd_client_abort(c, strerror(errno));
			return;
		}
		if (ops->sent)
			ops->sent(c, b->len);
		nlipcd_client_tx_pop(c);
	}
}

void nlipcd_client_flush(struct nlipcd_client *c)
{
	size_t before = c->tx.bytes;

	if (c->dead || !c->tx.head)
		return;
	c->ops->flush(c);
	if (c->tx.bytes != before && !c->dead)
		drained(c);
	else
		nlipcd_client_update(c);
}

/**
 * nlipcd_client_queue - queue a buffer for a client, then try to send
 * @c: the client
 * @b: whole messages (one datagram); a reference is taken
 *
 * Never refuses: the limits are enforced before work is taken on (we stop
 * reading) or, for notifications, by nlipcd_client_notify(). Returns 0 or
 * -ENOMEM.
 */
int nlipcd_client_queue(struct nlipcd_client *c, struct nlipcd_buf *b)
{
	struct nlipcd_txe *e;

	if (c->dead || !b->len)
		return 0;
	if (c->ops->queued)
		c->ops->queued(c, b);
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->next = NULL;
	e->buf = nlipcd_buf_get(b);
	e->off = 0;
	if (c->tx.tail)
		c->tx.tail->next = e;
	else
		c->tx.head = e;
	c->tx.tail = e;
	c->tx.bytes += b->len;
	if (!c->tx.corked)
		nlipcd_client_flush(c);
	return 0;
}

/* Queue a finished answer, as the client's kind sends one. */
int nlipcd_client_send_reply(struct nlipcd_client *c, struct nlipcd_reply *r)
{
	if (r->err)
		return r->err;
	if (c->ops->reply)
		return c->ops->reply(c, r);
	return nlipcd_client_queue(c, r->buf);
}

/**
 * nlipcd_client_notify - fan a notification out to a group's subscribers
 * @d: the daemon
 * @group: NLIPCD_GRP_*
 * @b: the notification, shared by every queue it joins
 *
 * A subscriber whose queue is full loses it, and any that follow until its
 * queue drains; then it gets one overrun marker, as a netlink socket
 * reports ENOBUFS once.
 */
void nlipcd_client_notify(struct nlipcd *d, unsigned int group,
			  struct nlipcd_buf *b)
{
	struct nlipcd_list *l, *next;

	for (l = d->clients.next; l != &d->clients; l = next) {
		struct nlipcd_client *c = nlipcd_client_of(l);

		next = l->next;
		if (!(c->groups & (1u << group)) || c->closing)
			continue;
		if (c->overrun || c->tx.bytes + b->len > d->lim.max_queue) {
			if (!c->overrun)
				nlipcd_debug("%s: queue full, dropping notifications",
					     c->name);
			c->overrun = true;
			continue;
		}
		nlipcd_client_queue(c, b);
	}
}

/* A group's subscribers lost a notification: as a socket's ENOBUFS. */
void nlipcd_client_overrun_group(struct nlipcd *d, unsigned int group)
{
	struct nlipcd_list *l;

	for (l = d->clients.next; l != &d->clients; l = l->next) {
		struct nlipcd_client *c = nlipcd_client_of(l);

		if (!(c->groups & (1u << group)) || c->closing)
			continue;
		c->overrun = true;
		if (!c->tx.head)
			overrun_marker(c);
	}
}

/* Every subscriber lost something (the kernel backend's socket overran). */
void nlipcd_client_overrun_all(struct nlipcd *d)
{
	unsigned int g;

	for (g = 0; g < NLIPCD_GRP_COUNT; g++)
		nlipcd_client_overrun_group(d, g);
}

/* A client's turn from the ready list: input it could not take before. */
void nlipcd_client_kick(struct nlipcd_client *c)
{
	if (c->in.eof && !nlipcd_client_has_message(c) && !c->dump && !c->inflight) {
		nlipcd_client_close(c, NULL);
		return;
	}
	if (nlipcd_client_can_take(c) && nlipcd_client_has_message(c))
		nlipcd_client_schedule(c);
	nlipcd_client_update(c);
}

/* Move everything on @from to @to (empty), so @from can refill meanwhile. */
static void splice(struct nlipcd_list *from, struct nlipcd_list *to)
{
	nlipcd_list_init(to);
	if (nlipcd_list_empty(from))
		return;
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	nlipcd_list_init(from);
}

/* At exit: every client, at once, whatever it is owed. */
/* Free closing clients whose queue is empty, and dead ones. */
void nlipcd_client_reap(struct nlipcd *d)
{
	struct nlipcd_list *l;

	for (l = d->reap.next; l != &d->reap;) {
		struct nlipcd_client *c = nlipcd_container_of(l, struct nlipcd_client, reap_node);

		l = l->next;
		if (c->dead || !c->tx.head || c->ops->lossy)
			client_free(c);
	}
}

void nlipcd_client_run_ready(struct nlipcd *d)
{
	struct nlipcd_list batch;
	struct nlipcd_list *l;

	/* This turn's clients; ones that still have work queue up again. */
	splice(&d->ready, &batch);
	while (!nlipcd_list_empty(&batch)) {
		struct nlipcd_client *c;

		l = batch.next;
		nlipcd_list_del(l);
		c = nlipcd_container_of(l, struct nlipcd_client, ready_node);
		if (c->closing)
			continue;
		if (c->dump && c->tx.bytes < NLIPCD_DUMP_LOW_WATER)
			c->dump->resume(c);
		nlipcd_client_take_input(c);
		nlipcd_client_kick(c);
	}

	nlipcd_client_reap(d);
}

/* At exit: nothing more is taken, run or sent; every client is freed. */
void nlipcd_client_free_all(struct nlipcd *d)
{
	struct nlipcd_list *l;

	for (l = d->clients.next; l != &d->clients; l = l->next)
		nlipcd_client_abort(nlipcd_client_of(l), NULL);
	nlipcd_client_reap(d);
	nlipcd_index_uninit(d);
}

/*
 * Datagram peers whose queue was full: try again. Whenever the loop is
 * awake anyway (cheap: SIOCOUTQ, and sock_diag as often as dgram.c
 * allows); on its own timer, later and later while none moves.
 */
void nlipcd_client_retry(struct nlipcd *d)
{
	uint64_t now = nlipcd_now_ms(), last_at = d->retry_at;
	unsigned int last = d->retry_ms;
	struct nlipcd_list batch;
	bool moved = false;

	if (nlipcd_list_empty(&d->retry))
		return;
	nlipcd_dgram_refresh(d, now);
	/* Peers still blocked go back on d->retry, for the next turn. */
	splice(&d->retry, &batch);
	while (!nlipcd_list_empty(&batch)) {
		struct nlipcd_client *c = nlipcd_container_of(batch.next, struct nlipcd_client,
							     retry_node);
		size_t before = c->tx.bytes;

		nlipcd_list_del(&c->retry_node);
		nlipcd_client_flush(c);
		moved |= c->tx.bytes != before;
	}
	/*
	 * Stuck peers (they stopped reading) cost a look now and then only.
	 * The flushes above, putting them back, said "soon": undone here.
	 */
	if (moved)
		d->retry_ms = RETRY_MIN_MS;
	else if (now >= last_at)
		d->retry_ms = last * 2 < RETRY_MAX_MS ? last * 2 : RETRY_MAX_MS;
	else
		d->retry_ms = last;
	d->retry_at = moved || now >= last_at ? now + d->retry_ms : last_at;
}

/* How long the loop may sleep before nlipcd_client_retry() has work. */
int nlipcd_client_retry_timeout(struct nlipcd *d, int max)
{
	uint64_t now = nlipcd_now_ms();

	if (nlipcd_list_empty(&d->retry))
		return max;
	if (d->retry_at <= now)
		return 0;
	if (d->retry_at - now < (uint64_t)max)
		return d->retry_at - now;
	return max;
}

/* Once a second: idle clients, closing ones past their grace. */
void nlipcd_client_sweep(struct nlipcd *d, uint64_t now)
{
	unsigned int (*reap_gone)(struct nlipcd *d) = NULL;
	struct nlipcd_list *l, *next;

	for (l = d->clients.next; l != &d->clients; l = next) {
		struct nlipcd_client *c = nlipcd_client_of(l);

		next = l->next;
		if (c->closing) {
			if (now >= c->closing_deadline)
				c->dead = true;
			continue;
		}
		if (c->ops->reap_gone)
			reap_gone = c->ops->reap_gone;
		if (c->setup_deadline && now >= c->setup_deadline) {
			nlipcd_client_abort(c, "no TLS handshake in time");
			continue;
		}
		/* A dump that stalled for want of memory: try it again. */
		if (c->dump && c->tx.bytes < NLIPCD_DUMP_LOW_WATER)
			nlipcd_client_schedule(c);
		if (c->groups || c->dump || c->inflight || c->tx.head ||
		    now - c->last_rx_ms < d->lim.idle_ms)
			continue;
		if (c->ops->peer)
			nlipcd_debug("%s: forgetting an idle peer", c->name);
		nlipcd_client_close(c, c->ops->peer ? NULL : "idle");
	}
	/* Datagram peers that went away without a word, now and then. */
	if (reap_gone && now - d->last_gone_ms >= GONE_INTERVAL_MS)
		reap_gone(d);
}
