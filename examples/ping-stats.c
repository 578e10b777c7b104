/* Ping the nlipc service, print its counters and a refusal, with extack. */
#include <stdio.h>
#include <nlipc/nlipc.h>

int main(void)
{
	struct nlipc_ping ping = { .payload = "hello", .len = 5 };
	struct nlipc_op_stats ops[16];
	struct nlipc_error err;
	struct nlipc *ep;
	char text[512];
	int i, n;

	if (nlipc_open(&ep, NULL, &err) < 0) {	/* NULL: the kernel module */
		nlipc_strerror(&err, text, sizeof(text));
		fprintf(stderr, "cannot reach nlipc: %s\n", text);
		return 1;
	}
	if (nlipc_ping(ep, &ping) == 0)
		printf("ping: %u bytes echoed\n", ping.reply_len);

	n = nlipc_stats_get(ep, ops, 16);
	for (i = 0; i < n && i < 16; i++)
		printf("%-12s %llu requests\n", nlipc_op_name(ops[i].cmd),
		       (unsigned long long)ops[i].requests);

	/* Ask for more than the service allows: refused, and told why. */
	ping.has_reply_size = true;
	ping.reply_size = 1 << 20;
	if (nlipc_ping(ep, &ping) < 0) {
		nlipc_strerror(nlipc_error(ep), text, sizeof(text));
		printf("refused: %s\n", text);
	}
	nlipc_close(ep);
	return 0;
}
