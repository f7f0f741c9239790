// ESP32 family (ESP-IDF): the SDK-level half of the vllsi HAL, shared by the Xtensa
// chips (ESP32, ESP32-S3) and the RISC-V ESP32-C3. The instruction-level half is
// esp32_xtensa.c or esp32_riscv.c, picked by the compiler's target.
#include "sdkconfig.h"
#include "esp_attr.h"
#include "esp_cpu.h"
#include "esp_intr_alloc.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "soc/interrupts.h"

#include "../native/vllsi_arch.h"

// Memory maps (technical reference manuals, "System and Memory"): data bus,
// instruction bus and peripheral windows. Instruction RAM/ROM take 32-bit accesses only;
// that is the chip's rule, not checked here.
const vllsi_region vllsi_arch_regions[] = {
#if CONFIG_IDF_TARGET_ESP32
	{0x3f400000u, 0x3fbfffffu},	// external flash data / PSRAM
	{0x3ff00000u, 0x3ff7ffffu},	// peripherals (DPORT bus)
	{0x3ff80000u, 0x3fffffffu},	// RTC FAST, internal SRAM (data bus)
	{0x40000000u, 0x400c1fffu},	// internal ROM and SRAM (instruction bus)
	{0x400c2000u, 0x40bfffffu},	// external flash (instruction bus)
	{0x50000000u, 0x50001fffu},	// RTC SLOW
	{0x60000000u, 0x6003ffffu},	// peripherals (AHB bus)
#elif CONFIG_IDF_TARGET_ESP32S3
	{0x3c000000u, 0x3dffffffu},	// external memory (data bus)
	{0x3fc88000u, 0x3fcfffffu},	// internal SRAM (data bus)
	{0x40000000u, 0x4005ffffu},	// internal ROM
	{0x40370000u, 0x403dffffu},	// internal SRAM (instruction bus)
	{0x42000000u, 0x43ffffffu},	// external memory (instruction bus)
	{0x50000000u, 0x50001fffu},	// RTC SLOW
	{0x60000000u, 0x600d0fffu},	// peripherals
	{0x600fe000u, 0x600fffffu},	// RTC FAST
#elif CONFIG_IDF_TARGET_ESP32C3
	{0x3c000000u, 0x3c7fffffu},	// external flash (data bus)
	{0x3fc80000u, 0x3fcdffffu},	// internal SRAM (data bus)
	{0x3ff00000u, 0x3ff1ffffu},	// internal ROM (data bus)
	{0x40000000u, 0x4005ffffu},	// internal ROM (instruction bus)
	{0x4037c000u, 0x403dffffu},	// internal SRAM (instruction bus)
	{0x42000000u, 0x427fffffu},	// external flash (instruction bus)
	{0x50000000u, 0x50001fffu},	// RTC FAST
	{0x60000000u, 0x600d0fffu},	// peripherals
#else
#error "vllsi: this ESP32 variant has no memory map in hal/esp32 (supported: esp32, esp32s3, esp32c3)"
#endif
};
#if CONFIG_IDF_TARGET_ESP32
const char vllsi_arch_chip[] = "esp32";
#elif CONFIG_IDF_TARGET_ESP32S3
const char vllsi_arch_chip[] = "esp32s3";
#else
const char vllsi_arch_chip[] = "esp32c3";
#endif
const unsigned vllsi_arch_region_count = sizeof vllsi_arch_regions / sizeof vllsi_arch_regions[0];

_Static_assert(ETS_MAX_INTR_SOURCE <= VLLSI_IRQ_MAX, "VLLSI_IRQ_MAX too small for this chip");
const unsigned vllsi_arch_irq_count = ETS_MAX_INTR_SOURCE;
const unsigned vllsi_arch_core_count = portNUM_PROCESSORS;

// The ESP32 family has no hardware spinlock block: these are flags guarded by the
// critical section, which works on the dual-core chips and on the C3 (no atomics in rv32imc).
#define SPINLOCKS 8u
static volatile bool gLocks[SPINLOCKS];
unsigned vllsi_arch_spinlock_count(void) { return SPINLOCKS; }
unsigned vllsi_arch_spinlock_id(unsigned n) { return n; }

// portENTER_CRITICAL's mux: a spinlock with owner core and nesting count that also
// raises the interrupt level (Xtensa) or masks interrupts (C3). The _SAFE forms
// work from a task and from an ISR, which the IRQ hand-off needs.
static portMUX_TYPE gMux = portMUX_INITIALIZER_UNLOCKED;

void vllsi_arch_init(void) {}

unsigned vllsi_arch_core_id(void) { return (unsigned)esp_cpu_get_core_id(); }

uint32_t VLLSI_RAM_FUNC vllsi_arch_cs_acquire(void)
{
	portENTER_CRITICAL_SAFE(&gMux);
	return 0;
}

void VLLSI_RAM_FUNC vllsi_arch_cs_release(uint32_t token)
{
	(void)token;	// the mux counts nesting itself
	portEXIT_CRITICAL_SAFE(&gMux);
}

bool vllsi_arch_spinlock_try_claim(unsigned n)
{
	portENTER_CRITICAL_SAFE(&gMux);
	bool claimed = !gLocks[n];
	gLocks[n] = true;
	portEXIT_CRITICAL_SAFE(&gMux);
	return claimed;
}

void vllsi_arch_spinlock_release(unsigned n)
{
	portENTER_CRITICAL_SAFE(&gMux);
	gLocks[n] = false;
	portEXIT_CRITICAL_SAFE(&gMux);
}

static intr_handle_t gHandles[VLLSI_IRQ_MAX];

// The source is masked before posting: a level-triggered source stays asserted
// until the JS handler clears it; hal/xs re-enables it after the handler has run.
static void VLLSI_RAM_FUNC vllsi_esp32_isr(void *arg)
{
	unsigned irq = (unsigned)(uintptr_t)arg;
	esp_intr_disable(gHandles[irq]);
	vllsi_irq_raised(irq);
}

// The interrupt is allocated on the calling core and stays there.
int vllsi_arch_irq_attach(unsigned irq, bool attach)
{
	if (!attach) {
		if (gHandles[irq] != NULL) {
			esp_intr_free(gHandles[irq]);
			gHandles[irq] = NULL;
		}
		return VLLSI_IRQ_OK;
	}
	if (gHandles[irq] != NULL)
		return VLLSI_IRQ_OK;
	esp_err_t err = esp_intr_alloc((int)irq, ESP_INTR_FLAG_INTRDISABLED, vllsi_esp32_isr, (void *)(uintptr_t)irq, &gHandles[irq]);
	if (err == ESP_OK)
		return VLLSI_IRQ_OK;
	gHandles[irq] = NULL;
	return err == ESP_ERR_NOT_FOUND ? VLLSI_IRQ_BUSY : VLLSI_IRQ_FAILED;
}

int vllsi_arch_irq_set_enabled(unsigned irq, bool enabled)
{
	if (gHandles[irq] == NULL)
		return VLLSI_IRQ_FAILED;
	esp_err_t err = enabled ? esp_intr_enable(gHandles[irq]) : esp_intr_disable(gHandles[irq]);
	return err == ESP_OK ? VLLSI_IRQ_OK : VLLSI_IRQ_FAILED;
}

uint64_t vllsi_arch_now_ns(void) { return (uint64_t)esp_timer_get_time() * 1000u; }

void vllsi_arch_halt(const char *reason) { esp_system_abort(reason); }
