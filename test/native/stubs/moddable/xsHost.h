#pragma once
#include <stdint.h>
#include "xs.h"
typedef void (*modMessageDeliver)(void *the, void *refcon, uint8_t *message, uint16_t messageLength);
int modMessagePostToMachineFromISR(xsMachine *the, modMessageDeliver callback, void *refcon);
