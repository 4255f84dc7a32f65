"use strict";
// Administration: users, villages, stations and their credentials, the commune's settings (issue 18)
