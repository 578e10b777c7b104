// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The environment a result comes from: kernel, CPU, cores, and whether
 * this is a virtual machine and, if so, one whose CPU is emulated in
 * software (qemu's TCG), where every number is tens of times slower and
 * only ratios within a run mean anything.
 *
 * VM: the CPUID hypervisor bit (the "hypervisor" flag of /proc/cpuinfo),
 * the hypervisor's CPUID signature (leaf 0x40000000), DMI vendor names.
 * Emulation: the "TCGTCGTCGTCG" signature, or a QEMU CPU model name, or a
 * VM whose clock sources lack kvm-clock (a KVM guest always has it).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "bench.h"

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* "model name" and whether "flags" has "hypervisor", from /proc/cpuinfo. */
static void read_cpuinfo(struct bench_env *e, bool *hv_flag)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "re");

	*hv_flag = false;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		v += 1 + (v[1] == ' ');
		v[strcspn(v, "\n")] = 0;
		if (!e->cpu_model[0] && (!strncmp(line, "model name", 10) ||
					 !strncmp(line, "cpu model", 9)))
			snprintf(e->cpu_model, sizeof(e->cpu_model), "%s", v);
		if (!strncmp(line, "flags", 5)) {
			*hv_flag = strstr(v, " hypervisor") ||
				   !strncmp(v, "hypervisor", 10);
			break;
		}
	}
	fclose(f);
}

/* The hypervisor's CPUID signature, empty where there is none. */
static void cpuid_signature(char *sig, size_t len)
{
	sig[0] = 0;
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d, regs[3];

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	regs[0] = b;
	regs[1] = c;
	regs[2] = d;
	snprintf(sig, len, "%.12s", (const char *)regs);
#endif
}

static const struct {
	const char *sig, *name;
} hypervisors[] = {
	{ "KVMKVMKVM", "KVM" },
	{ "TCGTCGTCGTCG", "TCG" },
	{ "Microsoft Hv", "Hyper-V" },
	{ "VMwareVMware", "VMware" },
	{ "XenVMMXenVMM", "Xen" },
	{ "VBoxVBoxVBox", "VirtualBox" },
	{ "bhyve bhyve ", "bhyve" },
};

static void detect_vm(struct bench_env *e, bool hv_flag)
{
	char sig[16], vendor[96], product[96], clocks[192];
	size_t i;

	cpuid_signature(sig, sizeof(sig));
	read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	read_line("/sys/class/dmi/id/product_name", product, sizeof(product));
	read_line("/sys/devices/system/clocksource/clocksource0/available_clocksource",
		  clocks, sizeof(clocks));

	snprintf(e->hypervisor, sizeof(e->hypervisor), "%s",
		 hv_flag ? "unknown" : "none");
	for (i = 0; i < sizeof(hypervisors) / sizeof(hypervisors[0]); i++)
		if (sig[0] && !strncmp(sig, hypervisors[i].sig,
				       strlen(hypervisors[i].sig)))
			snprintf(e->hypervisor, sizeof(e->hypervisor), "%s",
				 hypervisors[i].name);
	e->vm = hv_flag || sig[0] || strstr(vendor, "QEMU") ||
		strstr(product, "KVM") || strstr(product, "Virtual");
	if (e->vm && !strcmp(e->hypervisor, "none"))
		snprintf(e->hypervisor, sizeof(e->hypervisor), "unknown");

	e->emulated = !strcmp(e->hypervisor, "TCG") ||
		      strstr(e->cpu_model, "QEMU") ||
		      (e->vm && clocks[0] && !strstr(clocks, "kvm-clock") &&
		       strcmp(e->hypervisor, "Hyper-V") &&
		       strcmp(e->hypervisor, "VMware") &&
		       strcmp(e->hypervisor, "Xen"));
	snprintf(e->vm_why, sizeof(e->vm_why),
		 "cpuinfo hypervisor flag %s; CPUID signature '%s'; DMI '%s' '%s'; clock sources '%s'",
		 hv_flag ? "set" : "clear", sig, vendor, product, clocks);
}

/* Fill @e from this machine. */
void env_read(struct bench_env *e)
{
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;
	bool hv_flag;

	memset(e, 0, sizeof(*e));
	strftime(e->date, sizeof(e->date), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime_r(&now, &tm));
	if (!uname(&u)) {
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
		snprintf(e->kernel_version, sizeof(e->kernel_version), "%s",
			 u.version);
		snprintf(e->arch, sizeof(e->arch), "%.31s", u.machine);
	}
	e->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	read_cpuinfo(e, &hv_flag);
	if (!e->cpu_model[0])
		snprintf(e->cpu_model, sizeof(e->cpu_model), "unknown");
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  e->clocksource, sizeof(e->clocksource));
	detect_vm(e, hv_flag);
}
