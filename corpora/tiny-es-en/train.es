La reunión empieza a las once.
Tengo sed.
¿Puedo probármelo?
Sin azúcar, gracias.
El arroz necesita veinte minutos.
Mira esta foto.
Tengo veinte años.
Mi hijo tiene seis años.
Hoy limpio la casa.
¿Dónde está la estación?
Corta las cebollas.
El bebé está llorando.
Creo que no.
Habla más despacio, por favor.
No entiendo.
No bebo alcohol.
¿Tiene una talla más grande?
Los niños van al colegio en septiembre.
Duerme bien.
Los alumnos escriben en sus cuadernos.
El piso es pequeño pero cómodo.
La noche está muy oscura.
Mi abuelo lee sin gafas.
Mi abuela tiene ochenta años.
Quisiera un vaso de agua.
Gracias por todo.
¿Cómo te llamas?
El cocinero prepara la paella.
Mañana me levanto temprano.
Vamos al cine esta noche.
Enciende la televisión.
Está prohibido aparcar.
Hubo un accidente en la carretera.
Estos zapatos me aprietan.
El pan está recién hecho.
Mis padres viven en el campo.
Vivo en Madrid.
Espera tu turno.
Los abuelos vienen a comer el domingo.
Las entradas están agotadas.
Hicimos muchas fotos.
No queda leche.
Tenemos un perro pequeño.
Lava los platos.
Llego en cinco minutos.
El supermercado cierra los domingos.
Olvidé mi contraseña.
Soy de México.
El vino tinto es de Rioja.
El baño está al fondo.
¿Quieres venir con nosotros?
Mi amigo vive en Barcelona.
Mi pasaporte está en el bolso.
Necesito cambiar dinero.
Estoy enfermo.
Llegamos a casa muy tarde.
Tus zapatos están debajo de la cama.
Abre el regalo.
Cierra la puerta.
Nos casamos hace diez años.
Viajamos a Italia el año pasado.
La farmacia abre toda la noche.
La sopa está caliente.
¿Me pasas la sal?
La tienda abre a las diez.
Me acuesto tarde.
Escribo una carta a mi abuela.
Ten cuidado, el suelo está mojado.
¿Cómo estás?
Perdón, ¿me deja pasar?
La sopa necesita más sal.
Mi jefe es muy amable.
¡Feliz cumpleaños!
El gato caza ratones.
El caballo es blanco.
Hoy hace sol.
Voy al trabajo en autobús.
Saco al perro dos veces al día.
¿Dónde vives?
Son las tres.
La lavadora está rota.
Llegas tarde otra vez.
Te quiero.
El niño tiene miedo del perro.
Estoy de acuerdo.
Mi hermano come mucho.
Muchas gracias, es precioso.
Él siempre lleva sombrero.
El concierto empieza a las nueve.
¿Cuántos años tienes?
Hace calor hoy.
Escucho música en el coche.
Quizás mañana.
Leo el periódico por la mañana.
Reservé una habitación doble.
Hace buen tiempo.
Subimos a la montaña el domingo.
¿Me hace un descuento?
Sigue todo recto.
Mi teléfono no tiene batería.
La farmacia está cerca.
Busco un piso con terraza.
Mis padres están jubilados.
El avión llega tarde.
Abróchense los cinturones.
La película fue muy divertida.
Llama a la policía.
Pago en efectivo.
El bosque es muy verde.
Prefiero el té.
¿Quieres azúcar?
Aparca el coche aquí.
Voy en bicicleta al trabajo.
¿Hablas inglés?
Siéntate a mi lado.
No estoy de acuerdo.
Mi coche es azul.
Lo siento mucho.
Perdimos por un gol.
Mi perro se llama Toby.
El tren va con retraso.
Me corté el dedo.
¿Cuándo vuelves?
Me duelen las muelas.
Quiero una mesa para dos.
El postre es un pastel de limón.
Me compré unos zapatos nuevos.
Perdí mi maleta.
¿De dónde eres?
Igualmente.
La oficina de correos está cerrada.
Mi madre cocina muy bien.
El niño juega en el parque.
Te espero en el aeropuerto.
El gato duerme en el sofá.
Soy hijo único.
En verano vamos a la playa.
Mi prima es abogada.
¿Qué significa esta palabra?
Riego las plantas cada tarde.
¿Tienes hermanos?
Mi cumpleaños es en mayo.
Hasta mañana.
¿Aceptan tarjeta?
Desayuno tostadas con aceite.
El banco abre a las nueve.
Quiero enviar esta carta.
Me lo llevo.
Ella va a la escuela a pie.
¿Puedo ayudarte?
Hay muchas ovejas en el campo.
Mi equipo ganó el partido.
El vaso está roto.
Haz una tortilla.
El libro es mejor que la película.
El pequeño todavía no habla.
Me llamo Ana.
Ella toca la guitarra.
El autobús está lleno.
Volvemos a casa andando.
Sube por las escaleras.
La bicicleta es nueva.
El semáforo está en rojo.
Cuesta diez euros.
No lo sé.
Necesito un taxi.
Me levanto a las siete.
Estudio medicina en la universidad.
Trabajo desde casa los viernes.
¡Qué pena!
Fuimos de excursión al lago.
Bebo dos cafés al día.
Tengo mucho trabajo hoy.
El horno está muy caliente.
El restaurante está cerrado.
Quiero un kilo de tomates.
La casa es grande.
¿Hay un cajero por aquí?
El pueblo es tranquilo.
Vuelvo el jueves.
El río es largo.
¿Este asiento está libre?
Hoy es lunes.
Mucho gusto.
¿Qué quieres de cumpleaños?
Necesito ver a un médico.
Las rebajas empiezan en enero.
Nado en la piscina.
Cepíllate los dientes.
Nadie está herido.
Buenos días.
Los peces nadan en el río.
La luna está llena esta noche.
Un zumo de naranja, por favor.
Los plátanos son amarillos.
Tengo sueño.
El camarero trae la carta.
Te llamo esta tarde.
Tengo dos hermanas.
Es la una y media.
La vista desde arriba es preciosa.
¿Qué hora es?
Los pantalones me quedan cortos.
Yo hago la cama.
Tengo fiebre.
Tengo hambre.
Ella lleva un vestido rojo.
¡Felicidades!
¡Que aproveche!
¡Buen viaje!
El agua del mar está fría.
Ponte el abrigo.
Tenemos tres hijos.
Sí, siéntate.
El ordenador no funciona.
¿Puedes repetirlo, por favor?
La calle está mojada.
Nos conocimos en la universidad.
La nevera está vacía.
La enfermera es muy amable.
Me gusta bailar.
¿Qué haces este fin de semana?
Mis vecinos son ruidosos.
La vecina tiene tres gatos.
Gira a la izquierda.
Me gusta el otoño.
El pescado está muy rico.
Toma esta pastilla.
Juego al fútbol los sábados.
Claro que sí.
¿Tienen una mesa junto a la ventana?
Buenas noches.
La llave está en la mesa.
Mi habitación está desordenada.
El médico dice que descanse.
¿A qué hora es el desayuno?
Me ducho por la mañana.
Los huevos están en la nevera.
Estoy bien, gracias.
Tienes razón.
El café está frío.
Me acuerdo de ti.
Te echo de menos.
Comemos a las dos.
Hace frío.
Es muy barato.
Nos mudamos el mes pasado.
Ya lo sé.
Bebe mucha agua.
Hay una cola muy larga.
El viento es muy fuerte.
Me duele la cabeza.
Las tiendas están abiertas hasta las ocho.
No pasa nada.
Mi tío tiene una granja.
El agua está demasiado caliente.
Voy a visitar a mis padres.
Apaga la luz.
En invierno esquiamos.
Esta camisa es muy bonita.
De segundo, pollo con patatas.
Compro fruta en el mercado.
Compramos queso y jamón.
Pon el despertador a las seis.
No, está ocupado.
Mi reloj va atrasado.
Aprendo español todos los días.
La cocina está limpia.
De primero, una ensalada.
Espérame aquí.
Mi mujer es profesora.
Adiós.
La niña lee un libro.
Las manzanas son rojas.
Las vacas comen hierba.
¡Qué bonito!
Hablo un poco de español.
Los niños están en el jardín.
Compré un billete de ida y vuelta.
Las flores salen en primavera.
La puerta está abierta.
Soy vegetariano.
Perdona, había mucho tráfico.
¿Dónde está el baño?
Creo que sí.
Corro por el parque cada mañana.
Me gusta el pan.
Me rompí el brazo.
Ven aquí.
El alquiler es muy caro.
La abuela cuenta un cuento.
Ella es mi mejor amiga.
Perdimos el último autobús.
Los probadores están al fondo.
Quiero un café.
Ayer fue domingo.
Salimos a cenar el viernes.
Hasta luego.
El vuelo dura dos horas.
La carne está muy hecha.
El museo está lejos de aquí.
La tienda de ropa está en la esquina.
La biblioteca está en la plaza.
Te traje un regalo.
Me olvidé la cámara en el hotel.
