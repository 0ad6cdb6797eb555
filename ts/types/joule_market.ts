/**
 * Program IDL in camelCase format in order to be used in JS/TS.
 *
 * Note that this is only a type helper and is not the actual IDL. The original
 * IDL can be found at `target/idl/joule_market.json`.
 */
export type JouleMarket = {
  "address": "HZzjyS2FgeyHgqpC9Ms4BxdKJAbizX52hUfc1hq5cKp3",
  "metadata": {
    "name": "jouleMarket",
    "version": "0.1.0",
    "spec": "0.1.0",
    "description": "Joule market: epoch auctions of energy tokens with order escrow, on-chain uniform-price clearing and batched settlement"
  },
  "instructions": [
    {
      "name": "createMarket",
      "docs": [
        "Registry admin: creates the Market PDA [\"market\", energy_mint, quote_mint] and its two vaults [\"vault\", market, mint] (token accounts owned by the market PDA)."
      ],
      "discriminator": [
        103,
        226,
        97,
        235,
        200,
        188,
        251,
        254
      ],
      "accounts": [
        {
          "name": "admin",
          "docs": [
            "The registry config admin; pays for the market and its vaults."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (admin, pause flags)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "market",
          "docs": [
            "The Market PDA [\"market\", energy_mint, quote_mint], created here (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  97,
                  114,
                  107,
                  101,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "energyMint"
              },
              {
                "kind": "account",
                "path": "quoteMint"
              }
            ]
          }
        },
        {
          "name": "energyMint",
          "docs": [
            "The registry's energy mint, PDA [\"energy_mint\"] of the registry program."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  101,
                  110,
                  101,
                  114,
                  103,
                  121,
                  95,
                  109,
                  105,
                  110,
                  116
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "quoteMint",
          "docs": [
            "The payment token's mint (any SPL Token mint)."
          ]
        },
        {
          "name": "energyVault",
          "docs": [
            "PDA [\"vault\", market, energy_mint], created here (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market"
              },
              {
                "kind": "account",
                "path": "energyMint"
              }
            ]
          }
        },
        {
          "name": "quoteVault",
          "docs": [
            "PDA [\"vault\", market, quote_mint], created here (canonical bump)."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market"
              },
              {
                "kind": "account",
                "path": "quoteMint"
              }
            ]
          }
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
      ],
      "args": [
        {
          "name": "params",
          "type": {
            "defined": {
              "name": "marketParams"
            }
          }
        }
      ]
    },
    {
      "name": "openEpoch",
      "docs": [
        "Permissionless once the current epoch has ended: opens the next epoch from now for the market's epoch length. The epoch account must be created in the same transaction (system create_account from a fresh keypair, owner = this program, space = epoch_space(tick_count, order_capacity)); the payer is recorded as its rent payer."
      ],
      "discriminator": [
        75,
        57,
        218,
        33,
        173,
        254,
        207,
        136
      ],
      "accounts": [
        {
          "name": "payer",
          "docs": [
            "Paid the epoch account's rent; gets it back from close_epoch."
          ],
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (admin, pause flags)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "market",
          "docs": [
            "The Market PDA [\"market\", energy_mint, quote_mint] (canonical bump, stored in the account); holds the order deposits."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  97,
                  114,
                  107,
                  101,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market.energyMint",
                "account": "market"
              },
              {
                "kind": "account",
                "path": "market.quoteMint",
                "account": "market"
              }
            ]
          }
        },
        {
          "name": "epoch",
          "docs": [
            "The new epoch account (created in this transaction from a fresh keypair, which signs)."
          ],
          "writable": true,
          "signer": true
        }
      ],
      "args": []
    },
    {
      "name": "placeOrder",
      "docs": [
        "Places a limit order in an open epoch before its end time. Escrows everything it could owe: a sell its quantity of energy, a buy ceil(quantity_wh × limit price / 1000) quote units. Its value at the limit price must reach the market's min_order_value, and the owner deposits order_deposit_lamports with the market account (refunded by cancel or settlement). Returns the order id (the book slot)."
      ],
      "discriminator": [
        51,
        194,
        155,
        175,
        109,
        130,
        96,
        106
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The order owner; pays (place) or gets back (cancel) the order's lamport deposit."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (admin, pause flags)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "market",
          "docs": [
            "The Market PDA [\"market\", energy_mint, quote_mint] (canonical bump, stored in the account); holds the order deposits."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  97,
                  114,
                  107,
                  101,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market.energyMint",
                "account": "market"
              },
              {
                "kind": "account",
                "path": "market.quoteMint",
                "account": "market"
              }
            ]
          }
        },
        {
          "name": "epoch",
          "docs": [
            "The epoch account."
          ],
          "writable": true
        },
        {
          "name": "ownerToken",
          "docs": [
            "The owner's token account of the escrowed mint (energy for a sell, quote for a buy)."
          ],
          "writable": true
        },
        {
          "name": "vault",
          "docs": [
            "The market's vault of that mint: PDA [\"vault\", market, quote_mint] for a buy, [\"vault\", market, energy_mint] for a sell (the market's quote_vault or energy_vault). The IDL gives no seeds because the mint depends on the side argument."
          ],
          "writable": true
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        },
        {
          "name": "systemProgram",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "side",
          "type": {
            "defined": {
              "name": "side"
            }
          }
        },
        {
          "name": "limitTick",
          "type": "u16"
        },
        {
          "name": "quantityWh",
          "type": "u64"
        },
        {
          "name": "clientOrderId",
          "type": "u64"
        }
      ],
      "returns": "u32"
    },
    {
      "name": "cancelOrder",
      "docs": [
        "The owner cancels an open order before the epoch's end time (or, while the market is paused, until the epoch is cleared): full refund of the escrow and the deposit, slot freed."
      ],
      "discriminator": [
        95,
        129,
        237,
        240,
        8,
        49,
        223,
        132
      ],
      "accounts": [
        {
          "name": "owner",
          "docs": [
            "The order owner; pays (place) or gets back (cancel) the order's lamport deposit."
          ],
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (admin, pause flags)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "market",
          "docs": [
            "The Market PDA [\"market\", energy_mint, quote_mint] (canonical bump, stored in the account); holds the order deposits."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  97,
                  114,
                  107,
                  101,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market.energyMint",
                "account": "market"
              },
              {
                "kind": "account",
                "path": "market.quoteMint",
                "account": "market"
              }
            ]
          }
        },
        {
          "name": "epoch",
          "docs": [
            "The epoch account."
          ],
          "writable": true
        },
        {
          "name": "ownerToken",
          "docs": [
            "The owner's token account of the escrowed mint; receives the refund."
          ],
          "writable": true
        },
        {
          "name": "vault",
          "docs": [
            "The market's vault of that mint: PDA [\"vault\", market, quote_mint] for a buy, [\"vault\", market, energy_mint] for a sell (the market's quote_vault or energy_vault). The IDL gives no seeds because the mint depends on the side argument."
          ],
          "writable": true
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
      ],
      "args": [
        {
          "name": "orderId",
          "type": "u32"
        },
        {
          "name": "clientOrderId",
          "type": "u64"
        }
      ]
    },
    {
      "name": "clearEpoch",
      "docs": [
        "Permissionless after the epoch's end time: one pass over the histograms fixes the clearing price, volume and the long side's pro-rata fill."
      ],
      "discriminator": [
        229,
        1,
        65,
        77,
        146,
        44,
        145,
        110
      ],
      "accounts": [
        {
          "name": "config",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (admin, pause flags)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "epoch",
          "docs": [
            "The epoch account."
          ],
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "settleOrders",
      "docs": [
        "Permissionless crank: settles a list of at most 29 open orders of a cleared epoch (fills in whole Wh, refunds, seller fees, deposits back to the owners). The long side's pro-rata orders must be settled in ascending order id. The last settlement sweeps fees and dust to the fee recipient and marks the epoch settled; while the market is paused only pure refunds settle and the sweep waits for an empty order list once unpaused.",
        "Remaining accounts: `owner_accounts` (writable) — Three per order, in order: the owner's energy token account, the owner's quote token account (both checked by mint and owner when they receive something), the owner's wallet (receives the order's deposit)."
      ],
      "discriminator": [
        145,
        186,
        137,
        203,
        202,
        74,
        94,
        239
      ],
      "accounts": [
        {
          "name": "config",
          "docs": [
            "The registry Config PDA [\"config\"] of the registry program (admin, pause flags)."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                115,
                9,
                157,
                97,
                239,
                44,
                117,
                25,
                189,
                154,
                37,
                163,
                143,
                190,
                123,
                70,
                15,
                162,
                114,
                54,
                43,
                17,
                51,
                70,
                26,
                192,
                20,
                10,
                73,
                136,
                44,
                164
              ]
            }
          }
        },
        {
          "name": "market",
          "docs": [
            "The Market PDA [\"market\", energy_mint, quote_mint] (canonical bump, stored in the account); holds the order deposits."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  97,
                  114,
                  107,
                  101,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market.energyMint",
                "account": "market"
              },
              {
                "kind": "account",
                "path": "market.quoteMint",
                "account": "market"
              }
            ]
          }
        },
        {
          "name": "epoch",
          "docs": [
            "The epoch account."
          ],
          "writable": true
        },
        {
          "name": "energyVault",
          "docs": [
            "The market's energy vault, PDA [\"vault\", market, energy_mint]."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market"
              },
              {
                "kind": "account",
                "path": "market.energyMint",
                "account": "market"
              }
            ]
          }
        },
        {
          "name": "quoteVault",
          "docs": [
            "The market's quote vault, PDA [\"vault\", market, quote_mint]."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "market"
              },
              {
                "kind": "account",
                "path": "market.quoteMint",
                "account": "market"
              }
            ]
          }
        },
        {
          "name": "feeEnergy",
          "docs": [
            "The fee recipient's energy token account (receives dust at the final settlement). The IDL's default is the fee recipient's associated token account; any other of its energy token accounts may be given."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "account",
                "path": "market.feeRecipient",
                "account": "market"
              },
              {
                "kind": "const",
                "value": [
                  6,
                  221,
                  246,
                  225,
                  215,
                  101,
                  161,
                  147,
                  217,
                  203,
                  225,
                  70,
                  206,
                  235,
                  121,
                  172,
                  28,
                  180,
                  133,
                  237,
                  95,
                  91,
                  55,
                  145,
                  58,
                  140,
                  245,
                  133,
                  126,
                  255,
                  0,
                  169
                ]
              },
              {
                "kind": "account",
                "path": "market.energyMint",
                "account": "market"
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                140,
                151,
                37,
                143,
                78,
                36,
                137,
                241,
                187,
                61,
                16,
                41,
                20,
                142,
                13,
                131,
                11,
                90,
                19,
                153,
                218,
                255,
                16,
                132,
                4,
                142,
                123,
                216,
                219,
                233,
                248,
                89
              ]
            }
          }
        },
        {
          "name": "feeQuote",
          "docs": [
            "The fee recipient's quote token account (receives fees and dust at the final settlement). The IDL's default is the fee recipient's associated token account; any other of its quote token accounts may be given."
          ],
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "account",
                "path": "market.feeRecipient",
                "account": "market"
              },
              {
                "kind": "const",
                "value": [
                  6,
                  221,
                  246,
                  225,
                  215,
                  101,
                  161,
                  147,
                  217,
                  203,
                  225,
                  70,
                  206,
                  235,
                  121,
                  172,
                  28,
                  180,
                  133,
                  237,
                  95,
                  91,
                  55,
                  145,
                  58,
                  140,
                  245,
                  133,
                  126,
                  255,
                  0,
                  169
                ]
              },
              {
                "kind": "account",
                "path": "market.quoteMint",
                "account": "market"
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                140,
                151,
                37,
                143,
                78,
                36,
                137,
                241,
                187,
                61,
                16,
                41,
                20,
                142,
                13,
                131,
                11,
                90,
                19,
                153,
                218,
                255,
                16,
                132,
                4,
                142,
                123,
                216,
                219,
                233,
                248,
                89
              ]
            }
          }
        },
        {
          "name": "tokenProgram",
          "address": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        }
      ],
      "args": [
        {
          "name": "orderIds",
          "type": {
            "vec": "u32"
          }
        }
      ]
    },
    {
      "name": "closeEpoch",
      "docs": [
        "Permissionless once the epoch is settled: closes the epoch account, rent to its payer."
      ],
      "discriminator": [
        13,
        87,
        7,
        133,
        109,
        14,
        83,
        25
      ],
      "accounts": [
        {
          "name": "epoch",
          "docs": [
            "The epoch account."
          ],
          "writable": true
        },
        {
          "name": "rentPayer",
          "docs": [
            "The account that paid the epoch's rent."
          ],
          "writable": true
        }
      ],
      "args": []
    }
  ],
  "accounts": [
    {
      "name": "market",
      "discriminator": [
        219,
        190,
        213,
        55,
        0,
        227,
        198,
        154
      ]
    },
    {
      "name": "epoch",
      "discriminator": [
        93,
        83,
        120,
        89,
        151,
        138,
        152,
        108
      ]
    }
  ],
  "events": [
    {
      "name": "marketCreated",
      "discriminator": [
        88,
        184,
        130,
        231,
        226,
        84,
        6,
        58
      ]
    },
    {
      "name": "epochOpened",
      "discriminator": [
        136,
        166,
        130,
        170,
        78,
        145,
        67,
        78
      ]
    },
    {
      "name": "orderPlaced",
      "discriminator": [
        96,
        130,
        204,
        234,
        169,
        219,
        216,
        227
      ]
    },
    {
      "name": "orderCancelled",
      "discriminator": [
        108,
        56,
        128,
        68,
        168,
        113,
        168,
        239
      ]
    },
    {
      "name": "epochCleared",
      "discriminator": [
        33,
        74,
        93,
        42,
        21,
        241,
        85,
        194
      ]
    },
    {
      "name": "ordersSettled",
      "discriminator": [
        122,
        221,
        92,
        60,
        4,
        255,
        155,
        132
      ]
    },
    {
      "name": "epochSettled",
      "discriminator": [
        32,
        219,
        45,
        156,
        250,
        115,
        190,
        255
      ]
    },
    {
      "name": "epochClosed",
      "discriminator": [
        21,
        4,
        48,
        56,
        29,
        169,
        77,
        42
      ]
    }
  ],
  "errors": [
    {
      "code": 6000,
      "name": "notAdmin",
      "msg": "The signer is not the registry config admin."
    },
    {
      "code": 6001,
      "name": "marketPaused",
      "msg": "The market is paused; only cancellations and refunds are allowed."
    },
    {
      "code": 6002,
      "name": "invalidEpochLength",
      "msg": "The epoch length must be between 1 second and 31 days."
    },
    {
      "code": 6003,
      "name": "invalidPriceGrid",
      "msg": "The price grid needs 1 to 4,096 ticks, a lowest price and a tick size of at least 1, and a highest price of at most 2^40 quote units per kWh."
    },
    {
      "code": 6004,
      "name": "invalidMinLot",
      "msg": "The minimum lot must be between 1 Wh and the largest order size."
    },
    {
      "code": 6005,
      "name": "invalidFee",
      "msg": "The fee may be at most 1,000 basis points (10 %)."
    },
    {
      "code": 6006,
      "name": "invalidOrderCapacity",
      "msg": "The order capacity of an epoch must be between 1 and 32,768."
    },
    {
      "code": 6007,
      "name": "invalidQuoteMint",
      "msg": "The quote mint must be an SPL Token mint other than the energy mint."
    },
    {
      "code": 6008,
      "name": "invalidFeeRecipient",
      "msg": "The fee recipient must be neither the default address nor the market itself."
    },
    {
      "code": 6009,
      "name": "previousEpochNotEnded",
      "msg": "The market's current epoch has not ended yet."
    },
    {
      "code": 6010,
      "name": "invalidEpochAccount",
      "msg": "The epoch account must be a new, zeroed account of the market's epoch size owned by this program."
    },
    {
      "code": 6011,
      "name": "epochMarketMismatch",
      "msg": "The epoch belongs to another market."
    },
    {
      "code": 6012,
      "name": "epochNotOpen",
      "msg": "The epoch is no longer open: it has been cleared."
    },
    {
      "code": 6013,
      "name": "epochEnded",
      "msg": "The epoch has ended; it no longer accepts orders."
    },
    {
      "code": 6014,
      "name": "tickOffGrid",
      "msg": "The limit tick is outside the market's price grid."
    },
    {
      "code": 6015,
      "name": "belowMinimumLot",
      "msg": "The order quantity is below the market's minimum lot."
    },
    {
      "code": 6016,
      "name": "quantityTooLarge",
      "msg": "The order quantity exceeds 2^40 Wh."
    },
    {
      "code": 6017,
      "name": "epochVolumeLimit",
      "msg": "The order would take this side of the epoch above 2^40 Wh."
    },
    {
      "code": 6018,
      "name": "bookFull",
      "msg": "The epoch's order book is full."
    },
    {
      "code": 6019,
      "name": "insufficientFunds",
      "msg": "The token account holds less than the order must escrow."
    },
    {
      "code": 6020,
      "name": "wrongVault",
      "msg": "The vault is not this market's vault for that token."
    },
    {
      "code": 6021,
      "name": "orderNotFound",
      "msg": "No open order has that id in this epoch."
    },
    {
      "code": 6022,
      "name": "notOrderOwner",
      "msg": "The signer does not own this order."
    },
    {
      "code": 6023,
      "name": "clientOrderIdMismatch",
      "msg": "The client order id does not match the order."
    },
    {
      "code": 6024,
      "name": "cancelAfterEnd",
      "msg": "The epoch has ended; its orders can no longer be cancelled."
    },
    {
      "code": 6025,
      "name": "epochAlreadyCleared",
      "msg": "The epoch has already been cleared."
    },
    {
      "code": 6026,
      "name": "epochNotEnded",
      "msg": "The epoch cannot be cleared before its end time."
    },
    {
      "code": 6027,
      "name": "epochNotCleared",
      "msg": "The epoch has not been cleared yet."
    },
    {
      "code": 6028,
      "name": "orderAlreadySettled",
      "msg": "The order has already been settled."
    },
    {
      "code": 6029,
      "name": "epochAlreadySettled",
      "msg": "Every order of this epoch has already been settled."
    },
    {
      "code": 6030,
      "name": "settlementAccountsMismatch",
      "msg": "Settlement needs exactly two token accounts (energy, quote) per order."
    },
    {
      "code": 6031,
      "name": "noOrders",
      "msg": "At least one order must be settled."
    },
    {
      "code": 6032,
      "name": "epochNotSettled",
      "msg": "The epoch can only be closed once every order is settled."
    },
    {
      "code": 6033,
      "name": "notRentPayer",
      "msg": "Only the account that paid the epoch's rent can receive it back."
    },
    {
      "code": 6034,
      "name": "arithmeticOverflow",
      "msg": "An amount overflowed."
    },
    {
      "code": 6035,
      "name": "bookInconsistent",
      "msg": "The epoch's histograms disagree with its order book."
    },
    {
      "code": 6036,
      "name": "escrowTooLarge",
      "msg": "The order's escrow (quantity × limit price) exceeds a 64-bit amount."
    },
    {
      "code": 6037,
      "name": "tooManyOrders",
      "msg": "At most 29 orders can be settled in one instruction (the runtime's instruction-trace limit)."
    },
    {
      "code": 6038,
      "name": "belowMinimumValue",
      "msg": "The order's value at its limit price is below the market's minimum order value."
    },
    {
      "code": 6039,
      "name": "invalidMinOrderValue",
      "msg": "The minimum order value must be at least 1 quote unit."
    },
    {
      "code": 6040,
      "name": "invalidOrderDeposit",
      "msg": "The order deposit must be at least the rent-exempt minimum of an empty account and at most 1 SOL."
    },
    {
      "code": 6041,
      "name": "marginalOrderOutOfSequence",
      "msg": "Orders at the pro-rata tick settle in ascending order id; an earlier one is still open."
    },
    {
      "code": 6042,
      "name": "ownerAccountMismatch",
      "msg": "The owner account does not match the order's owner (it receives the order's deposit)."
    }
  ],
  "types": [
    {
      "name": "marketParams",
      "docs": [
        "Arguments of create_market."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "epochLengthSecs",
            "type": "u32"
          },
          {
            "name": "minPrice",
            "type": "u64"
          },
          {
            "name": "tickSize",
            "type": "u64"
          },
          {
            "name": "tickCount",
            "type": "u16"
          },
          {
            "name": "minLotWh",
            "type": "u64"
          },
          {
            "name": "feeBps",
            "type": "u16"
          },
          {
            "name": "orderCapacity",
            "type": "u32"
          },
          {
            "name": "feeRecipient",
            "type": "pubkey"
          },
          {
            "name": "minOrderValue",
            "type": "u64"
          },
          {
            "name": "orderDepositLamports",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "market",
      "docs": [
        "A market, PDA [\"market\", energy_mint, quote_mint]. Tick t costs min_price + t × tick_size quote units per kWh."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "energyMint",
            "type": "pubkey"
          },
          {
            "name": "quoteMint",
            "type": "pubkey"
          },
          {
            "name": "energyVault",
            "type": "pubkey"
          },
          {
            "name": "quoteVault",
            "type": "pubkey"
          },
          {
            "name": "feeRecipient",
            "type": "pubkey"
          },
          {
            "name": "currentEpoch",
            "type": "pubkey"
          },
          {
            "name": "minPrice",
            "type": "u64"
          },
          {
            "name": "tickSize",
            "type": "u64"
          },
          {
            "name": "minLotWh",
            "type": "u64"
          },
          {
            "name": "currentEpochEndTs",
            "type": "i64"
          },
          {
            "name": "nextEpochIndex",
            "type": "u64"
          },
          {
            "name": "minOrderValue",
            "type": "u64"
          },
          {
            "name": "orderDepositLamports",
            "type": "u64"
          },
          {
            "name": "epochLengthSecs",
            "type": "u32"
          },
          {
            "name": "orderCapacity",
            "type": "u32"
          },
          {
            "name": "tickCount",
            "type": "u16"
          },
          {
            "name": "feeBps",
            "type": "u16"
          },
          {
            "name": "version",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "energyVaultBump",
            "type": "u8"
          },
          {
            "name": "quoteVaultBump",
            "type": "u8"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                48
              ]
            }
          }
        ]
      }
    },
    {
      "name": "epoch",
      "docs": [
        "One auction (header). The account continues with demand: [u64; tick_count] (Wh of open buys per limit tick), supply: [u64; tick_count], then orders: [Order; order_capacity]; its size is epoch_space(tick_count, order_capacity) = 312 + 16 × tick_count + 64 × order_capacity bytes. Not a PDA: created by the client, initialised by open_epoch."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "market",
            "type": "pubkey"
          },
          {
            "name": "rentPayer",
            "type": "pubkey"
          },
          {
            "name": "index",
            "type": "u64"
          },
          {
            "name": "startTs",
            "type": "i64"
          },
          {
            "name": "endTs",
            "type": "i64"
          },
          {
            "name": "minPrice",
            "type": "u64"
          },
          {
            "name": "tickSize",
            "type": "u64"
          },
          {
            "name": "totalBuyWh",
            "type": "u64"
          },
          {
            "name": "totalSellWh",
            "type": "u64"
          },
          {
            "name": "quoteHeld",
            "type": "u64"
          },
          {
            "name": "energyHeldWh",
            "type": "u64"
          },
          {
            "name": "clearingPrice",
            "type": "u64"
          },
          {
            "name": "volumeWh",
            "type": "u64"
          },
          {
            "name": "demandWh",
            "type": "u64"
          },
          {
            "name": "supplyWh",
            "type": "u64"
          },
          {
            "name": "buyFillNum",
            "type": "u64"
          },
          {
            "name": "buyFillDen",
            "type": "u64"
          },
          {
            "name": "sellFillNum",
            "type": "u64"
          },
          {
            "name": "sellFillDen",
            "type": "u64"
          },
          {
            "name": "feesQuote",
            "type": "u64"
          },
          {
            "name": "orderDepositLamports",
            "type": "u64"
          },
          {
            "name": "depositsLamports",
            "type": "u64"
          },
          {
            "name": "marginalPrefixWh",
            "type": "u64"
          },
          {
            "name": "orderCount",
            "type": "u32"
          },
          {
            "name": "liveOrders",
            "type": "u32"
          },
          {
            "name": "freeHead",
            "type": "u32"
          },
          {
            "name": "orderCapacity",
            "type": "u32"
          },
          {
            "name": "tickCount",
            "type": "u16"
          },
          {
            "name": "clearingTick",
            "type": "u16"
          },
          {
            "name": "buyMarginalTick",
            "type": "u16"
          },
          {
            "name": "sellMarginalTick",
            "type": "u16"
          },
          {
            "name": "feeBps",
            "type": "u16"
          },
          {
            "name": "state",
            "docs": [
              "EpochState: 0 Open, 1 Cleared, 2 Settled"
            ],
            "type": "u8"
          },
          {
            "name": "version",
            "type": "u8"
          },
          {
            "name": "marginalCursor",
            "type": "u32"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                40
              ]
            }
          }
        ]
      }
    },
    {
      "name": "order",
      "docs": [
        "One slot of an epoch's order book; its index is the order id."
      ],
      "serialization": "bytemuck",
      "repr": {
        "kind": "c"
      },
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "clientOrderId",
            "type": "u64"
          },
          {
            "name": "quantityWh",
            "type": "u64"
          },
          {
            "name": "escrow",
            "type": "u64"
          },
          {
            "name": "limitTick",
            "type": "u16"
          },
          {
            "name": "side",
            "docs": [
              "Side: 0 Buy, 1 Sell"
            ],
            "type": "u8"
          },
          {
            "name": "status",
            "docs": [
              "OrderStatus: 0 Free, 1 Open, 2 Settled"
            ],
            "type": "u8"
          },
          {
            "name": "nextFree",
            "type": "u32"
          }
        ]
      }
    },
    {
      "name": "orderSettlement",
      "docs": [
        "One order in OrdersSettled: filled_wh traded, quote_amount paid (buy) or grossed (sell), energy_out_wh and quote_out paid to the owner."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "orderId",
            "type": "u32"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "clientOrderId",
            "type": "u64"
          },
          {
            "name": "side",
            "type": {
              "defined": {
                "name": "side"
              }
            }
          },
          {
            "name": "filledWh",
            "type": "u64"
          },
          {
            "name": "quoteAmount",
            "type": "u64"
          },
          {
            "name": "fee",
            "type": "u64"
          },
          {
            "name": "energyOutWh",
            "type": "u64"
          },
          {
            "name": "quoteOut",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "side",
      "docs": [
        "Order side."
      ],
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "buy"
          },
          {
            "name": "sell"
          }
        ]
      }
    },
    {
      "name": "epochState",
      "docs": [
        "Epoch lifecycle."
      ],
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "open"
          },
          {
            "name": "cleared"
          },
          {
            "name": "settled"
          }
        ]
      }
    },
    {
      "name": "orderStatus",
      "docs": [
        "Order slot state."
      ],
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "free"
          },
          {
            "name": "open"
          },
          {
            "name": "settled"
          }
        ]
      }
    },
    {
      "name": "marketCreated",
      "docs": [
        "The registry admin created a market."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "market",
            "type": "pubkey"
          },
          {
            "name": "energyMint",
            "type": "pubkey"
          },
          {
            "name": "quoteMint",
            "type": "pubkey"
          },
          {
            "name": "energyVault",
            "type": "pubkey"
          },
          {
            "name": "quoteVault",
            "type": "pubkey"
          },
          {
            "name": "feeRecipient",
            "type": "pubkey"
          },
          {
            "name": "minPrice",
            "type": "u64"
          },
          {
            "name": "tickSize",
            "type": "u64"
          },
          {
            "name": "minLotWh",
            "type": "u64"
          },
          {
            "name": "epochLengthSecs",
            "type": "u32"
          },
          {
            "name": "orderCapacity",
            "type": "u32"
          },
          {
            "name": "tickCount",
            "type": "u16"
          },
          {
            "name": "feeBps",
            "type": "u16"
          },
          {
            "name": "minOrderValue",
            "type": "u64"
          },
          {
            "name": "orderDepositLamports",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "epochOpened",
      "docs": [
        "An epoch opened."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "market",
            "type": "pubkey"
          },
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "rentPayer",
            "type": "pubkey"
          },
          {
            "name": "index",
            "type": "u64"
          },
          {
            "name": "startTs",
            "type": "i64"
          },
          {
            "name": "endTs",
            "type": "i64"
          }
        ]
      }
    },
    {
      "name": "orderPlaced",
      "docs": [
        "An order was placed and its escrow taken; held_* is what the epoch holds in the vault of the order's token."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "orderId",
            "type": "u32"
          },
          {
            "name": "clientOrderId",
            "type": "u64"
          },
          {
            "name": "side",
            "type": {
              "defined": {
                "name": "side"
              }
            }
          },
          {
            "name": "limitTick",
            "type": "u16"
          },
          {
            "name": "limitPrice",
            "type": "u64"
          },
          {
            "name": "quantityWh",
            "type": "u64"
          },
          {
            "name": "escrow",
            "type": "u64"
          },
          {
            "name": "tickVolumeBeforeWh",
            "type": "u64"
          },
          {
            "name": "tickVolumeAfterWh",
            "type": "u64"
          },
          {
            "name": "heldBefore",
            "type": "u64"
          },
          {
            "name": "heldAfter",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "orderCancelled",
      "docs": [
        "An order was cancelled and its escrow refunded in full."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "orderId",
            "type": "u32"
          },
          {
            "name": "clientOrderId",
            "type": "u64"
          },
          {
            "name": "side",
            "type": {
              "defined": {
                "name": "side"
              }
            }
          },
          {
            "name": "limitTick",
            "type": "u16"
          },
          {
            "name": "quantityWh",
            "type": "u64"
          },
          {
            "name": "refund",
            "type": "u64"
          },
          {
            "name": "tickVolumeBeforeWh",
            "type": "u64"
          },
          {
            "name": "tickVolumeAfterWh",
            "type": "u64"
          },
          {
            "name": "heldBefore",
            "type": "u64"
          },
          {
            "name": "heldAfter",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "epochCleared",
      "docs": [
        "The epoch cleared; volume_wh = 0 means nothing crossed and every order is refunded."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "market",
            "type": "pubkey"
          },
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "index",
            "type": "u64"
          },
          {
            "name": "clearingTick",
            "type": "u16"
          },
          {
            "name": "clearingPrice",
            "type": "u64"
          },
          {
            "name": "volumeWh",
            "type": "u64"
          },
          {
            "name": "demandWh",
            "type": "u64"
          },
          {
            "name": "supplyWh",
            "type": "u64"
          },
          {
            "name": "buyMarginalTick",
            "type": "u16"
          },
          {
            "name": "buyFillNum",
            "type": "u64"
          },
          {
            "name": "buyFillDen",
            "type": "u64"
          },
          {
            "name": "sellMarginalTick",
            "type": "u16"
          },
          {
            "name": "sellFillNum",
            "type": "u64"
          },
          {
            "name": "sellFillDen",
            "type": "u64"
          },
          {
            "name": "liveOrders",
            "type": "u32"
          }
        ]
      }
    },
    {
      "name": "ordersSettled",
      "docs": [
        "One settle_orders: every order it settled, and what the epoch holds in the vaults before and after."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "quoteHeldBefore",
            "type": "u64"
          },
          {
            "name": "quoteHeldAfter",
            "type": "u64"
          },
          {
            "name": "energyHeldBeforeWh",
            "type": "u64"
          },
          {
            "name": "energyHeldAfterWh",
            "type": "u64"
          },
          {
            "name": "orders",
            "type": {
              "vec": {
                "defined": {
                  "name": "orderSettlement"
                }
              }
            }
          }
        ]
      }
    },
    {
      "name": "epochSettled",
      "docs": [
        "The epoch's last order settled; fees and rounding dust went to the fee recipient."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "market",
            "type": "pubkey"
          },
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "index",
            "type": "u64"
          },
          {
            "name": "feesQuote",
            "type": "u64"
          },
          {
            "name": "quoteSwept",
            "type": "u64"
          },
          {
            "name": "energySweptWh",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "epochClosed",
      "docs": [
        "A settled epoch's account was closed and its rent returned."
      ],
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "epoch",
            "type": "pubkey"
          },
          {
            "name": "rentPayer",
            "type": "pubkey"
          },
          {
            "name": "lamports",
            "type": "u64"
          }
        ]
      }
    }
  ],
  "constants": [
    {
      "name": "seedMarket",
      "type": "bytes",
      "value": "[109, 97, 114, 107, 101, 116]"
    },
    {
      "name": "seedVault",
      "type": "bytes",
      "value": "[118, 97, 117, 108, 116]"
    },
    {
      "name": "maxTicks",
      "type": "u16",
      "value": "4096"
    },
    {
      "name": "maxOrderCapacity",
      "type": "u32",
      "value": "32768"
    },
    {
      "name": "maxPrice",
      "type": "u64",
      "value": "1099511627776"
    },
    {
      "name": "maxOrderWh",
      "type": "u64",
      "value": "1099511627776"
    },
    {
      "name": "maxEpochSideWh",
      "type": "u64",
      "value": "1099511627776"
    },
    {
      "name": "maxFeeBps",
      "type": "u16",
      "value": "1000"
    },
    {
      "name": "maxOrderDepositLamports",
      "type": "u64",
      "value": "1000000000"
    },
    {
      "name": "maxSettleOrders",
      "type": "u32",
      "value": "29"
    },
    {
      "name": "whPerKwh",
      "type": "u64",
      "value": "1000"
    },
    {
      "name": "bpsDenominator",
      "type": "u64",
      "value": "10000"
    }
  ]
};
